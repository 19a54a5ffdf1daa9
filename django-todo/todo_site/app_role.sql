-- The app's runtime role: it logs in and reads and writes the rows of the app's tables, nothing
-- more (no CREATE, ALTER, DROP or TRUNCATE, no temporary tables, no migration bookkeeping).
-- Run by the schema owner (the RDS master user, which owns the database) right after migrate, in
-- one transaction, on every sync: every statement is idempotent, and the password is set each
-- time, so a new password in SSM reaches the role on the next run.
--
-- Inputs, transaction-local settings written by todo_site/app_role.py:
--   todo.app_role      the role's name
--   todo.app_password  its password as a SCRAM-SHA-256 verifier: hashed by the client, so the
--                      password itself never reaches the server or its logs
DO $$
DECLARE
  app text := current_setting('todo.app_role');
  verifier text := current_setting('todo.app_password');
  owner text := current_user;
  existing pg_roles%ROWTYPE;
  groups text;
BEGIN
  IF app = owner THEN
    RAISE EXCEPTION 'app role "%" is the schema owner: the app needs a role of its own', app;
  END IF;

  -- CREATE ROLE has no IF NOT EXISTS: look the role up first.
  SELECT * INTO existing FROM pg_roles WHERE rolname = app;
  IF NOT FOUND THEN
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', app, verifier);
  ELSIF existing.rolsuper OR existing.rolcreaterole OR existing.rolcreatedb
     OR existing.rolreplication OR existing.rolbypassrls THEN
    RAISE EXCEPTION 'role "%" exists with SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS: it cannot be the app role', app;
  ELSE
    EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', app, verifier);
  END IF;

  SELECT string_agg(g.rolname, ', ' ORDER BY g.rolname) INTO groups
    FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
    WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = app);
  IF groups IS NOT NULL THEN
    RAISE EXCEPTION 'role "%" is a member of %: the app role must not inherit privileges', app, groups;
  END IF;

  -- PostgreSQL 15+ no longer lets PUBLIC create in the public schema (kept here for databases
  -- from older versions); TEMPORARY on the database is still PUBLIC's by default.
  REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app);
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);

  -- The tables migrate created, and (default privileges) those the owner creates later. No
  -- sequence privileges: Django's ids are identity columns, whose sequences an INSERT advances
  -- without them.
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app);
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', owner, app);
  -- Which migrations ran is the owner's business.
  IF to_regclass('public.django_migrations') IS NOT NULL THEN
    EXECUTE format('REVOKE ALL ON public.django_migrations FROM %I', app);
  END IF;
END
$$;
