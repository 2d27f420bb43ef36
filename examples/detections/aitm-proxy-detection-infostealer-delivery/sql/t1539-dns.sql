-- ── T1539: Steal Web Session Cookie: Session tokens replayed from anomalous geoip — delta of 8,000+ km in 4 minutes (DNS) ──
-- Hunt: AiTM Proxy Detection — Infostealer Delivery (PEAK phase: Scoped)
-- Author: Andre Seguin | Date: 2026-04-08 | Confidence: high (confirmed) | Status: test
-- ATT&CK: T1539 Steal Web Session Cookie — Credential Access
-- Rule id: 98cf9015-21c8-55cd-8003-925753d07680 | Target: Databricks SQL
SELECT
  event_time,
  host,
  src_ip,
  query,
  query_type,
  answer,
  response_code,
  'T1539' AS technique,
  'credential-access' AS tactic,
  'high' AS confidence
FROM security.dns_events
WHERE event_time >= NOW() - INTERVAL 7 DAYS
  AND (
    lower(query) = lower('aitm-proxy.example.com')
    OR endswith(lower(query), lower('.aitm-proxy.example.com'))
  )
ORDER BY event_time DESC;
