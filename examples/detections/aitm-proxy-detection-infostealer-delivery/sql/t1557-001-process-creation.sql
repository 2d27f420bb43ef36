-- ── T1557.001: Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning and SMB Relay: Proxy process suspicious_proxy.exe… (process creation) ──
-- Hunt: AiTM Proxy Detection — Infostealer Delivery (PEAK phase: Scoped)
-- Author: Andre Seguin | Date: 2026-04-08 | Confidence: high (confirmed) | Status: test
-- ATT&CK: T1557.001 Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning and SMB Relay — Credential Access
-- Rule id: b6b3968f-db2e-5e33-a192-a65d3070e274 | Target: Databricks SQL
SELECT
  event_time,
  host,
  user_name,
  process_name,
  process_path,
  command_line,
  parent_process_name,
  parent_command_line,
  sha256,
  'T1557.001' AS technique,
  'credential-access' AS tactic,
  'high' AS confidence
FROM security.process_events
WHERE event_time >= NOW() - INTERVAL 7 DAYS
  AND (
    lower(parent_process_name) = lower('explorer.exe')
    AND lower(process_name) = lower('suspicious_proxy.exe')
  )
ORDER BY event_time DESC;
