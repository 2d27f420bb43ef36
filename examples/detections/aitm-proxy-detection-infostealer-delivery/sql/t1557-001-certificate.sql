-- ── T1557.001: Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning and SMB Relay: Proxy process suspicious_proxy.exe… (certificate) ──
-- Hunt: AiTM Proxy Detection — Infostealer Delivery (PEAK phase: Scoped)
-- Author: Andre Seguin | Date: 2026-04-08 | Confidence: high (confirmed) | Status: test
-- ATT&CK: T1557.001 Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning and SMB Relay — Credential Access
-- Rule id: 4fe9506b-7f2b-5da3-9850-e65c4672c203 | Target: Databricks SQL
SELECT
  event_time,
  host,
  source,
  issuer,
  subject,
  serial_number,
  thumbprint_sha1,
  dest_ip,
  dest_host,
  'T1557.001' AS technique,
  'credential-access' AS tactic,
  'high' AS confidence
FROM security.certificate_events
WHERE event_time >= NOW() - INTERVAL 7 DAYS
  AND (
    contains(lower(issuer), lower('Untrusted Root CA'))
  )
ORDER BY event_time DESC;
