-- 0003: 1C may name its session by `sessid` alone (PROTOCOL.md §2); find it by index, not by a scan of all sessions.
create index sessions_sessid_idx on commerceml.sessions (sessid_hash);
