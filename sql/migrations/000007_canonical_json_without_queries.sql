-- canonical_json() (migration 000005) again, same text, without a query per object or array: the
-- verify of the demo's 1M rows spent 58 of its 68 µs of canonical row text per row in it (each
-- jsonb_each / jsonb_array_elements subquery is an executor start and stop inside PL/pgSQL).
-- Here every step is a plain expression:
-- - an object: its keys (jsonpath keyvalue(), no query), put in byte order by an insertion sort
--   (objects hold few keys), each with its value's canonical text;
-- - an array without any '{' in its text holds no object, so only jsonb's ", " separators differ
--   from the canonical text: one regular expression removes those outside strings (a string is
--   matched whole, escapes included, and put back as it was);
-- - any other array: element by element;
-- - a scalar: jsonb's own text (strings with the minimal escapes, numbers as numeric text).
CREATE OR REPLACE FUNCTION :"status_schema".canonical_json(value jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  keys jsonb;
  sorted text[] := '{}';
  key text;
  slot integer;
  element jsonb;
  result text;
BEGIN
  CASE jsonb_typeof(value)
    WHEN 'object' THEN
      keys := jsonb_path_query_array(value, '$.keyvalue().key');
      FOR i IN 0 .. jsonb_array_length(keys) - 1 LOOP
        key := keys ->> i;
        slot := i;
        WHILE slot > 0 AND sorted[slot] COLLATE "C" > key COLLATE "C" LOOP
          sorted[slot + 1] := sorted[slot];
          slot := slot - 1;
        END LOOP;
        sorted[slot + 1] := key;
      END LOOP;
      result := '';
      FOR i IN 1 .. coalesce(array_length(sorted, 1), 0) LOOP
        element := value -> sorted[i];
        result := result || CASE WHEN i > 1 THEN ',' ELSE '' END || to_jsonb(sorted[i])::text || ':'
          || CASE WHEN jsonb_typeof(element) IN ('object', 'array') THEN :"status_schema".canonical_json(element) ELSE element::text END;
      END LOOP;
      RETURN '{' || result || '}';
    WHEN 'array' THEN
      result := value::text;
      IF strpos(result, '{') = 0 THEN
        RETURN regexp_replace(result, '("(?:[^"\\]|\\.)*")|(,) ', '\1\2', 'g');
      END IF;
      result := '';
      FOR i IN 0 .. jsonb_array_length(value) - 1 LOOP
        element := value -> i;
        result := result || CASE WHEN i > 0 THEN ',' ELSE '' END
          || CASE WHEN jsonb_typeof(element) IN ('object', 'array') THEN :"status_schema".canonical_json(element) ELSE element::text END;
      END LOOP;
      RETURN '[' || result || ']';
    ELSE
      RETURN value::text;
  END CASE;
END
$$;
