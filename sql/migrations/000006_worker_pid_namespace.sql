-- The pid namespace a worker's pid belongs to (Linux: the target of /proc/self/ns/pid, such as
-- 'pid:[4026531836]'; NULL elsewhere and for workers registered before this migration). A worker
-- judges another dead by its pid only when both share host name AND pid namespace: containers run
-- with --network host share the host's name, but each has pids of its own.
ALTER TABLE :"status_schema".migration_workers ADD COLUMN pid_namespace text;
