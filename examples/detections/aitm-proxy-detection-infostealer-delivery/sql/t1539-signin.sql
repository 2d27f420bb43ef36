-- ── T1539: Steal Web Session Cookie: Session tokens replayed from anomalous geoip — delta of 8,000+ km in 4 minutes (sign-in) ──
-- Hunt: AiTM Proxy Detection — Infostealer Delivery (PEAK phase: Scoped)
-- Author: Andre Seguin | Date: 2026-04-08 | Confidence: high (confirmed) | Status: test
-- ATT&CK: T1539 Steal Web Session Cookie — Credential Access
-- Rule id: 4a15e272-f434-521a-a529-0200c9767d03 | Target: Databricks SQL
SELECT
  event_time,
  user_principal_name,
  app_display_name,
  ip_address,
  location,
  user_agent,
  result_type,
  conditional_access_status,
  risk_level_during_signin,
  'T1539' AS technique,
  'credential-access' AS tactic,
  'high' AS confidence
FROM security.signin_logs
WHERE event_time >= NOW() - INTERVAL 7 DAYS
  AND (
    lower(ip_address) = lower('203.0.113.47')
  )
ORDER BY event_time DESC;
