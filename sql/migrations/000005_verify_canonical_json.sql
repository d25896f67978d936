-- The canonical text `thaw verify` checksums a VARIANT/OBJECT/ARRAY value by (src/engine/verify/
-- canonical.ts): the JSON with every object's keys in byte order at every depth and no spaces, as
-- Snowflake's TO_JSON writes an OBJECT (it keeps keys sorted). jsonb's own text orders keys by
-- length first and puts spaces after ',' and ':'. Strings keep jsonb's escapes (the minimal ones,
-- as Snowflake's), numbers their numeric text.
CREATE FUNCTION :"status_schema".canonical_json(value jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  CASE jsonb_typeof(value)
    WHEN 'object' THEN
      RETURN '{' || coalesce((SELECT string_agg(to_jsonb(e.key)::text || ':' || :"status_schema".canonical_json(e.value), ',' ORDER BY e.key COLLATE "C")
                              FROM jsonb_each(value) AS e), '') || '}';
    WHEN 'array' THEN
      RETURN '[' || coalesce((SELECT string_agg(:"status_schema".canonical_json(a.value), ',' ORDER BY a.n)
                              FROM jsonb_array_elements(value) WITH ORDINALITY AS a(value, n)), '') || ']';
    ELSE
      RETURN value::text;
  END CASE;
END
$$;
