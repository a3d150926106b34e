-- 0002: failed checkauth attempts, counted in PostgreSQL so every replica applies the same limits
-- (src/auth/login-throttle.ts). Keys are hashed: no login or address is stored in clear.

create table commerceml.login_failures (
  scope             text not null check (scope in ('address', 'login_address', 'login')),
  key_hash          text not null,
  failures          integer not null,
  first_failure_at  timestamptz not null,
  last_failure_at   timestamptz not null,
  locked_until      timestamptz,
  primary key (scope, key_hash)
);
create index login_failures_last_idx on commerceml.login_failures (last_failure_at);
