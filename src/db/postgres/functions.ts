/**
 * The SQL functions that the PostgreSQL dialect's expressions call, where PostgreSQL has no built-in with
 * SQLite's semantics: JSON helpers that take JSONB, text (which may or may not hold JSON) or any other value
 * and treat them as SQLite's json_* functions do, a numeric cast that reads text as SQLite does, and
 * SQLite's strftime (time values, modifiers and format letters). They are overloaded by argument type, so a
 * JSONB column takes an inlinable one-line SQL function and only text pays for a guarded JSON parse.
 *
 * The driver installs them when it opens a database (CREATE OR REPLACE, under an advisory lock, skipped
 * when this version is already there). They live in the connection's current schema and are named
 * `satchel_*`. One with an EXCEPTION block starts a subtransaction, which no process of a parallel query may:
 * it is PARALLEL UNSAFE, and so is each function calling it, else a parallel plan (PostgreSQL's choice on a
 * large table) fails on it.
 */

/** Bump when a definition changes: the driver re-installs when the marker function is missing. */
export const functionsVersion = 16;
export const functionsMarker = `satchel_functions_v${functionsVersion}`;

/**
 * A REAL as SQLite writes it as text (compare.ts' realText, the same in JS): 15 significant digits when they
 * read back as the same number, else 17; an exponent below -4 or from 17 on written 1.0e+20, a fraction of at
 * least one digit (100.0). And a JSON number as json_extract gives it: an integer of 64 bits as written, any
 * other number as a REAL.
 */
const numberFunctions = `
CREATE OR REPLACE FUNCTION satchel_real_text(d double precision) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  s text;
  digits text;
  e integer;
  n numeric;
BEGIN
  IF d IS NULL OR d = 'NaN' THEN RETURN NULL; END IF;
  IF d = 'Infinity' THEN RETURN 'Inf'; END IF;
  IF d = '-Infinity' THEN RETURN '-Inf'; END IF;
  s := btrim(to_char(abs(d), '9.99999999999999EEEE'));
  e := split_part(s, 'e', 2)::integer;
  -- (15 digits of a number near the largest may read back as beyond it)
  IF e < 308 AND s::double precision = abs(d) THEN
    digits := replace(split_part(s, 'e', 1), '.', '');
  ELSE
    -- 17 digits of the exact value (40 of them written), a tie rounded up as SQLite rounds it
    s := btrim(to_char(abs(d), '9.999999999999999999999999999999999999999EEEE'));
    e := split_part(s, 'e', 2)::integer;
    s := replace(split_part(s, 'e', 1), '.', '');
    n := left(s, 17)::numeric + CASE WHEN substr(s, 18, 1) >= '5' THEN 1 ELSE 0 END;
    IF n >= 100000000000000000 THEN
      n := div(n, 10);
      e := e + 1;
    END IF;
    digits := n::text;
  END IF;
  digits := COALESCE(NULLIF(rtrim(digits, '0'), ''), '0');
  s := CASE
    WHEN e < -4 OR e >= 17 THEN left(digits, 1) || '.' || COALESCE(NULLIF(substr(digits, 2), ''), '0') || 'e'
      || CASE WHEN e < 0 THEN '-' ELSE '+' END || CASE WHEN abs(e) < 10 THEN '0' ELSE '' END || abs(e)::text
    WHEN e < 0 THEN '0.' || repeat('0', -e - 1) || digits
    ELSE rpad(left(digits, e + 1), e + 1, '0') || '.' || COALESCE(NULLIF(substr(digits, e + 2), ''), '0')
  END;
  RETURN CASE WHEN d < 0 THEN '-' || s ELSE s END;
END $$;

-- a numeral of any length and exponent (JSON allows both) as SQLite reads it as a REAL: infinite beyond the
-- largest double, 0 below the smallest, where PostgreSQL's casts fail; its first 1000 digits tell
CREATE OR REPLACE FUNCTION satchel_numeral(t text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  m text[] := regexp_match(t, '^\\s*([+-]?)0*(\\d*)\\.?(\\d*)(?:[eE]([+-]?\\d+))?\\s*$');
  digits text;
  mag numeric;
  n numeric;
  inf double precision;
BEGIN
  IF m IS NULL THEN RETURN NULL; END IF;
  inf := CASE WHEN m[1] = '-' THEN '-Infinity' ELSE 'Infinity' END;
  -- the number is 0.digits × 10^mag
  IF m[2] <> '' THEN
    digits := m[2] || m[3];
    mag := length(m[2]);
  ELSE
    digits := ltrim(m[3], '0');
    mag := length(digits) - length(m[3]);
  END IF;
  IF digits !~ '[1-9]' THEN RETURN 0; END IF;
  IF m[4] IS NOT NULL THEN
    IF length(ltrim(m[4], '+-0')) > 9 THEN RETURN CASE WHEN m[4] LIKE '-%' THEN 0 ELSE inf END; END IF;
    mag := mag + m[4]::numeric;
  END IF;
  IF mag > 310 THEN RETURN inf; END IF;
  IF mag < -330 THEN RETURN 0; END IF;
  n := ('0.' || left(digits, 1000) || 'e' || mag)::numeric;
  IF n > 1.7976931348623157e308 THEN RETURN inf; END IF;
  IF n < 2.5e-324 THEN RETURN 0; END IF;
  RETURN CASE WHEN m[1] = '-' THEN -n ELSE n END::double precision;
END $$;
-- a numeral's double: cast at once when it can't be out of range (short, no exponent), else by satchel_numeral.
-- PL/pgSQL, so that it isn't inlined: inlined, each use of t would evaluate its argument again (a JSON value's
-- path read three times over)
CREATE OR REPLACE FUNCTION satchel_real(t text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF length(t) < 300 AND strpos(t, 'e') = 0 AND strpos(t, 'E') = 0 THEN RETURN t::double precision; END IF;
  RETURN satchel_numeral(t);
END $$;

-- a number SQLite's math functions can take: an infinity (a numeral past double's range) or NaN is NULL there
-- (their NaN), where PostgreSQL's cos() and sin() fail on it
CREATE OR REPLACE FUNCTION satchel_finite(d double precision) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN d IN ('Infinity', '-Infinity', 'NaN') THEN NULL ELSE d END
$$;

-- acos of a cosine rounding may have pushed a hair past ±1 (one point to itself), NULL for NULL (LEAST and
-- GREATEST would pass over a NULL and make it -1)
CREATE OR REPLACE FUNCTION satchel_acos(x double precision) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT acos(CASE WHEN x > 1 THEN 1 WHEN x < -1 THEN -1 ELSE x END)
$$;

CREATE OR REPLACE FUNCTION satchel_json_number_text(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t ~ '^-?\\d{1,19}$' AND t::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 THEN t
    ELSE satchel_real_text(satchel_real(t)) END
$$;
`;

const jsonFunctions = `
-- JSON text with what PostgreSQL's JSON functions can't read as U+FFFD's escape: an escaped U+0000 (JSONB can't
-- hold it) and an escaped half of a surrogate pair without the other (they refuse it, where SQLite reads it);
-- an escaped backslash before such a text stays
CREATE OR REPLACE FUNCTION satchel_json_mend(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN strpos(t, '\\') = 0 OR strpos(t, '\\u') = 0 OR t !~* '\\\\u(0000|d[89a-f])' THEN t
    ELSE regexp_replace(t, '(?<!\\\\)((?:\\\\\\\\)*)\\\\u(0000|d[89ab][0-9a-f]{2}(?!\\\\ud[c-f][0-9a-f]{2})|(?<!\\\\ud[89ab][0-9a-f]{2}\\\\u)d[c-f][0-9a-f]{2})',
      '\\1\\\\ufffd', 'gi') END
$$;
-- whether JSON text holds what satchel_json_mend mends: a text without a backslash (most JSON) is told by one
-- byte search, faster than one for a longer needle
CREATE OR REPLACE FUNCTION satchel_json_unreadable(t text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT strpos(t, '\\') > 0 AND satchel_json_mend(t) <> t
$$;
-- text that parses as JSON (mended when it must be), else NULL; the cheap prefix check keeps plain words out of
-- the exception block
CREATE OR REPLACE FUNCTION satchel_try_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE PARALLEL UNSAFE AS $$
BEGIN
  IF t IS NULL OR t !~ '^\\s*([\\[{"tfn0-9-])' THEN RETURN NULL; END IF;
  RETURN t::jsonb;
EXCEPTION WHEN others THEN
  BEGIN
    RETURN satchel_json_mend(t)::jsonb;
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END;
END $$;

-- a JSON field's value (a JSON column: its text as written) as JSONB, which the functions read, mended as
-- satchel_json_mend says
CREATE OR REPLACE FUNCTION satchel_jsonb(j json) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN satchel_json_unreadable(j::text) THEN satchel_json_mend(j::text)::jsonb ELSE j::jsonb END
$$;

-- json_each as Satchel uses it: an array's items as text, anything else as one item (NULL included)
CREATE OR REPLACE FUNCTION satchel_json_each(j jsonb) RETURNS TABLE(value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT e FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(j) = 'array' THEN j END) AS e
  UNION ALL SELECT j::text WHERE jsonb_typeof(j) IS DISTINCT FROM 'array'
$$;
CREATE OR REPLACE FUNCTION satchel_json_each(j json) RETURNS TABLE(value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT e.value FROM satchel_json_each(satchel_jsonb(j)) AS e
$$;
CREATE OR REPLACE FUNCTION satchel_json_each(t text) RETURNS TABLE(value text) LANGUAGE sql IMMUTABLE PARALLEL UNSAFE AS $$
  SELECT e FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(satchel_try_jsonb(t)) = 'array' THEN satchel_try_jsonb(t) END) AS e
  UNION ALL SELECT t WHERE jsonb_typeof(satchel_try_jsonb(t)) IS DISTINCT FROM 'array'
$$;
CREATE OR REPLACE FUNCTION satchel_json_each(v anyelement) RETURNS TABLE(value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT v::text
$$;

-- the number of items: an array's length, none for NULL and "", one for any other value
CREATE OR REPLACE FUNCTION satchel_json_length(j jsonb) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN j IS NULL THEN 0 WHEN jsonb_typeof(j) = 'array' THEN jsonb_array_length(j) ELSE 1 END
$$;
CREATE OR REPLACE FUNCTION satchel_json_length(j json) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_json_length(satchel_jsonb(j))
$$;
CREATE OR REPLACE FUNCTION satchel_json_length(t text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL UNSAFE AS $$
  SELECT CASE WHEN t IS NULL OR t = '' THEN 0
    WHEN jsonb_typeof(satchel_try_jsonb(t)) = 'array' THEN jsonb_array_length(satchel_try_jsonb(t)) ELSE 1 END
$$;
CREATE OR REPLACE FUNCTION satchel_json_length(v anyelement) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v IS NULL THEN 0 ELSE 1 END
$$;

-- an array's length, 0 for anything else (not JSON, not an array, NULL)
CREATE OR REPLACE FUNCTION satchel_json_array_length(j jsonb) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN jsonb_array_length(j) ELSE 0 END
$$;
CREATE OR REPLACE FUNCTION satchel_json_array_length(j json) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_json_array_length(satchel_jsonb(j))
$$;
CREATE OR REPLACE FUNCTION satchel_json_array_length(t text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL UNSAFE AS $$
  SELECT satchel_json_array_length(satchel_try_jsonb(t))
$$;
CREATE OR REPLACE FUNCTION satchel_json_array_length(v anyelement) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 0
$$;

-- a list or an object as compact JSON text, as SQLite's json functions write them: jsonb's text with the blank
-- after each comma and colon that stands between values (not inside a string) taken out
CREATE OR REPLACE FUNCTION satchel_json_compact(j jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(j::text, '("(?:[^"\\\\]|\\\\.)*")|([,:]) ', '\\1\\2', 'g')
$$;
-- JSON text as written without the blanks between its tokens (a string's own kept), as SQLite's json functions
-- give a list or an object
CREATE OR REPLACE FUNCTION satchel_json_minify(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(t, '("(?:[^"\\\\]|\\\\.)*")|\\s+', '\\1', 'g')
$$;
-- a JSON value as SQLite writes it as text
CREATE OR REPLACE FUNCTION satchel_text(j jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) IN ('array', 'object') THEN satchel_json_compact(j) ELSE j::text END
$$;
-- a JSON column's value as its text reads on SQLite: as written, without blanks
CREATE OR REPLACE FUNCTION satchel_text(j json) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_json_minify(j::text)
$$;
-- a value at a path ({} is the whole value), as text as SQLite's json_extract gives it: strings unquoted,
-- booleans as 1 and 0, lists compact, JSON null as NULL; text that isn't JSON is its own value at the empty
-- path and has nothing below it
CREATE OR REPLACE FUNCTION satchel_json_extract(j jsonb, path text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof(j #> path)
    WHEN 'boolean' THEN CASE WHEN (j #> path) = 'true'::jsonb THEN '1' ELSE '0' END
    WHEN 'array' THEN satchel_json_compact(j #> path)
    WHEN 'object' THEN satchel_json_compact(j #> path)
    WHEN 'number' THEN satchel_json_number_text(j #>> path)
    ELSE j #>> path END
$$;
-- read on the JSON text itself (no JSONB made of it, so a filter on a JSON field reads each row once): a list or
-- an object as written without its blanks, as SQLite gives it; a path into one satchel_json_mend mends through
-- JSONB (the whole list or object stays its text, escapes and all, as on SQLite)
CREATE OR REPLACE FUNCTION satchel_json_extract(j json, path text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN satchel_json_unreadable(j::text) THEN
      CASE WHEN cardinality(path) = 0 AND json_typeof(j) IN ('object', 'array') THEN satchel_json_minify(j::text)
        ELSE satchel_json_extract(satchel_jsonb(j), path) END
    ELSE CASE json_typeof(j #> path)
      WHEN 'boolean' THEN CASE WHEN (j #>> path) = 'true' THEN '1' ELSE '0' END
      WHEN 'array' THEN satchel_json_minify((j #> path)::text)
      WHEN 'object' THEN satchel_json_minify((j #> path)::text)
      WHEN 'number' THEN satchel_json_number_text(j #>> path)
      ELSE j #>> path END END
$$;
CREATE OR REPLACE FUNCTION satchel_json_extract(t text, path text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL UNSAFE AS $$
  SELECT CASE WHEN satchel_try_jsonb(t) IS NOT NULL THEN satchel_json_extract(satchel_try_jsonb(t), path)
    WHEN cardinality(path) = 0 THEN t END
$$;
CREATE OR REPLACE FUNCTION satchel_json_extract(v anyelement, path text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN cardinality(path) = 0 THEN v::text END
$$;

-- whether a JSON array (or a plain value) holds the text value
CREATE OR REPLACE FUNCTION satchel_json_array_contains(j jsonb, v text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN j @> jsonb_build_array(v)
    ELSE EXISTS (SELECT 1 FROM satchel_json_each(j) e WHERE e.value = v) END
$$;
CREATE OR REPLACE FUNCTION satchel_json_array_contains(j json, v text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_json_array_contains(satchel_jsonb(j), v)
$$;
CREATE OR REPLACE FUNCTION satchel_json_array_contains(t text, v text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL UNSAFE AS $$
  SELECT EXISTS (SELECT 1 FROM satchel_json_each(t) e WHERE e.value = v)
$$;
CREATE OR REPLACE FUNCTION satchel_json_array_contains(x anyelement, v text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT x::text = v
$$;

-- a number as SQLite reads one from text: the longest numeric prefix, else 0
CREATE OR REPLACE FUNCTION satchel_float(t text) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(satchel_real(substring(t from '^\\s*([+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)')), 0)
$$;
CREATE OR REPLACE FUNCTION satchel_float(d double precision) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT d
$$;
CREATE OR REPLACE FUNCTION satchel_float(j jsonb) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_float(j #>> '{}')
$$;
CREATE OR REPLACE FUNCTION satchel_float(j json) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_float(satchel_jsonb(j))
$$;
CREATE OR REPLACE FUNCTION satchel_float(b boolean) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN b THEN 1 WHEN NOT b THEN 0 END::double precision
$$;
-- an argument of SQLite's math functions (radians, cos): a text is a number only when it reads as one whole
-- (its NUMERIC affinity), else NULL, as is an infinity or NaN (their NaN); never satchel_float's prefix
CREATE OR REPLACE FUNCTION satchel_math_arg(t text) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t ~ '^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*$' THEN satchel_finite(satchel_real(t)) END
$$;
CREATE OR REPLACE FUNCTION satchel_math_arg(d double precision) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_finite(d)
$$;
CREATE OR REPLACE FUNCTION satchel_math_arg(j jsonb) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_math_arg(satchel_text(j))
$$;
CREATE OR REPLACE FUNCTION satchel_math_arg(j json) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_math_arg(satchel_text(j))
$$;
CREATE OR REPLACE FUNCTION satchel_math_arg(b boolean) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_float(b)
$$;
`;

/**
 * SQLite's comparison of values of different types (compare.ts): a satchel_value is the (class, number,
 * text) of a value, NULL for NULL; class 1 is a number, 2 a text, so that any number orders below any text,
 * numbers by value and texts byte by byte, as in SQLite. satchel_text writes a value as SQLite's CAST(x AS
 * TEXT) does (integers without a fraction, booleans as 1 and 0, lists as compact JSON).
 */
const valueFunctions = `
DO $$ BEGIN
  CREATE TYPE satchel_value AS (c integer, n double precision, t text COLLATE "C");
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE OR REPLACE FUNCTION satchel_text(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT t
$$;
CREATE OR REPLACE FUNCTION satchel_text(d double precision) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN d = trunc(d) AND abs(d) < 9.2e18 THEN d::bigint::text ELSE satchel_real_text(d) END
$$;
CREATE OR REPLACE FUNCTION satchel_text(i bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT i::text
$$;
CREATE OR REPLACE FUNCTION satchel_text(b boolean) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN b THEN '1' WHEN NOT b THEN '0' END
$$;

CREATE OR REPLACE FUNCTION satchel_sv(t text) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t IS NOT NULL THEN ROW(2, 0, t)::satchel_value END
$$;
CREATE OR REPLACE FUNCTION satchel_sv(d double precision) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN d IS NOT NULL THEN ROW(1, d, '')::satchel_value END
$$;
CREATE OR REPLACE FUNCTION satchel_sv(i bigint) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN i IS NOT NULL THEN ROW(1, i, '')::satchel_value END
$$;
CREATE OR REPLACE FUNCTION satchel_sv(b boolean) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN b IS NOT NULL THEN ROW(1, b::int, '')::satchel_value END
$$;
CREATE OR REPLACE FUNCTION satchel_sv(j jsonb) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_sv(satchel_text(j))
$$;
CREATE OR REPLACE FUNCTION satchel_sv(j json) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT satchel_sv(satchel_text(j))
$$;
-- a text under NUMERIC affinity: a number when it reads as one
CREATE OR REPLACE FUNCTION satchel_sv_num(t text) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t ~ '^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*$' THEN ROW(1, satchel_real(t), '')::satchel_value
    WHEN t IS NOT NULL THEN ROW(2, 0, t)::satchel_value END
$$;
-- a JSON value as SQLite's json_extract types it, to sort by: JSON null or nothing there first (class 0, as
-- SQLite's NULL), numbers and booleans (1 and 0) by value, strings byte by byte, objects and arrays by their text
CREATE OR REPLACE FUNCTION satchel_json_sort_key(j jsonb, path text[]) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof(j #> path)
    WHEN 'number' THEN ROW(1, satchel_real(j #>> path), '')::satchel_value
    WHEN 'boolean' THEN ROW(1, CASE WHEN (j #> path) = 'true'::jsonb THEN 1 ELSE 0 END, '')::satchel_value
    WHEN 'string' THEN ROW(2, 0, j #>> path)::satchel_value
    WHEN 'object' THEN ROW(2, 0, satchel_json_compact(j #> path))::satchel_value
    WHEN 'array' THEN ROW(2, 0, satchel_json_compact(j #> path))::satchel_value
    ELSE ROW(0, 0, '')::satchel_value END
$$;
CREATE OR REPLACE FUNCTION satchel_json_sort_key(j json, path text[]) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN satchel_json_unreadable(j::text) THEN
      CASE WHEN cardinality(path) = 0 AND json_typeof(j) IN ('object', 'array')
        THEN ROW(2, 0, satchel_json_minify(j::text))::satchel_value
        ELSE satchel_json_sort_key(satchel_jsonb(j), path) END
    ELSE CASE json_typeof(j #> path)
      WHEN 'number' THEN ROW(1, satchel_real(j #>> path), '')::satchel_value
      WHEN 'boolean' THEN ROW(1, CASE WHEN (j #>> path) = 'true' THEN 1 ELSE 0 END, '')::satchel_value
      WHEN 'string' THEN ROW(2, 0, j #>> path)::satchel_value
      WHEN 'object' THEN ROW(2, 0, satchel_json_minify((j #> path)::text))::satchel_value
      WHEN 'array' THEN ROW(2, 0, satchel_json_minify((j #> path)::text))::satchel_value
      ELSE ROW(0, 0, '')::satchel_value END END
$$;
-- text that isn't JSON is a text at the empty path, as satchel_json_extract reads it
CREATE OR REPLACE FUNCTION satchel_json_sort_key(t text, path text[]) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL UNSAFE AS $$
  SELECT CASE WHEN satchel_try_jsonb(t) IS NOT NULL THEN satchel_json_sort_key(satchel_try_jsonb(t), path)
    WHEN cardinality(path) = 0 AND t IS NOT NULL THEN ROW(2, 0, t)::satchel_value
    ELSE ROW(0, 0, '')::satchel_value END
$$;
CREATE OR REPLACE FUNCTION satchel_json_sort_key(v anyelement, path text[]) RETURNS satchel_value LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN cardinality(path) = 0 AND v IS NOT NULL THEN satchel_sv_num(v::text) ELSE ROW(0, 0, '')::satchel_value END
$$;
`;

/**
 * SQLite's date and time functions keep a moment as milliseconds; here it is a UTC `timestamp`. The time
 * value may be `now`, `YYYY-MM-DD[( |T)HH:MM[:SS[.SSS]][Z|±HH:MM]]`, `HH:MM[:SS[.SSS]]` (on 2000-01-01) or
 * a Julian day number; anything else (and an unknown modifier or format letter) gives NULL, as in SQLite.
 * `localtime` and `utc` are no-ops: the server keeps times in UTC.
 */
const timeFunctions = `
CREATE OR REPLACE FUNCTION satchel_time_value(tv text) RETURNS timestamp LANGUAGE plpgsql STABLE PARALLEL UNSAFE AS $$
DECLARE
  m text[];
  ts timestamp;
BEGIN
  IF tv IS NULL THEN RETURN NULL; END IF;
  IF lower(tv) = 'now' THEN
    RETURN date_trunc('milliseconds', statement_timestamp() AT TIME ZONE 'UTC');
  END IF;
  -- a time zone only after a time, as SQLite reads it (2024-01-01+02:00 is no time value)
  m := regexp_match(tv, '^(\\d{4})-(\\d{2})-(\\d{2})(?:(?:\\s+|T)(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d*)?)?\\s*(?:([zZ])|([+-])(\\d{2}):(\\d{2}))?)?$');
  IF m IS NOT NULL THEN
    IF m[2]::int NOT BETWEEN 1 AND 12 OR m[3]::int NOT BETWEEN 1 AND 31 OR COALESCE(m[4], '0')::int > 24
      OR COALESCE(m[5], '0')::int > 59 OR COALESCE(m[6], '0')::int > 59 THEN
      RETURN NULL;
    END IF;
    -- SQLite rolls a day past the month's end into the next month (2023-02-30 is 2023-03-02)
    ts := make_timestamp(m[1]::int, m[2]::int, 1, 0, 0, 0) + (m[3]::int - 1) * interval '1 day'
      + make_interval(hours => COALESCE(m[4], '0')::int, mins => COALESCE(m[5], '0')::int,
        secs => round((COALESCE(m[6], '0') || COALESCE(NULLIF(m[7], '.'), ''))::numeric, 3)::double precision);
    IF m[9] IS NOT NULL THEN
      ts := ts - (CASE WHEN m[9] = '-' THEN -1 ELSE 1 END) * make_interval(hours => m[10]::int, mins => m[11]::int);
    END IF;
    RETURN ts;
  END IF;
  m := regexp_match(tv, '^(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d*)?)?\\s*(?:([zZ])|([+-])(\\d{2}):(\\d{2}))?$');
  IF m IS NOT NULL THEN
    IF m[1]::int > 24 OR m[2]::int > 59 OR COALESCE(m[3], '0')::int > 59 THEN RETURN NULL; END IF;
    ts := timestamp '2000-01-01' + make_interval(hours => m[1]::int, mins => m[2]::int,
      secs => round((COALESCE(m[3], '0') || COALESCE(NULLIF(m[4], '.'), ''))::numeric, 3)::double precision);
    IF m[6] IS NOT NULL THEN
      ts := ts - (CASE WHEN m[6] = '-' THEN -1 ELSE 1 END) * make_interval(hours => m[7]::int, mins => m[8]::int);
    END IF;
    RETURN ts;
  END IF;
  IF tv ~ '^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$' THEN
    RETURN satchel_julian_to_ts(tv::numeric);
  END IF;
  RETURN NULL;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION satchel_julian_to_ts(jd numeric) RETURNS timestamp LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT timestamp '1970-01-01' + round((jd - 2440587.5) * 86400000) * interval '1 millisecond'
$$;

CREATE OR REPLACE FUNCTION satchel_ts_to_julian(ts timestamp) RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT round(extract(epoch FROM ts)::numeric * 1000) / 86400000 + 2440587.5
$$;

-- adds months (or years as 12 months) as SQLite does: the day is kept and overflows into the next month
CREATE OR REPLACE FUNCTION satchel_add_months(ts timestamp, n numeric) RETURNS timestamp LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT date_trunc('month', ts) + trunc(n)::int * interval '1 month'
    + (extract(day FROM ts)::int - 1) * interval '1 day' + (ts - date_trunc('day', ts))
    + (n - trunc(n)) * 30 * interval '1 day'
$$;

CREATE OR REPLACE FUNCTION satchel_apply_modifier(ts timestamp, raw_value text, modifier text, first boolean)
RETURNS timestamp LANGUAGE plpgsql STABLE PARALLEL UNSAFE AS $$
DECLARE
  md text := lower(btrim(modifier));
  m text[];
  n numeric;
  sign int;
BEGIN
  IF ts IS NULL THEN RETURN NULL; END IF;
  IF md IN ('localtime', 'utc', 'subsec', 'subsecond') THEN RETURN ts; END IF;
  IF md = 'unixepoch' OR md = 'auto' AND raw_value ~ '^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)\\s*$'
      AND NOT (raw_value::numeric BETWEEN 0 AND 5373484.499999) THEN
    IF NOT first OR raw_value !~ '^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)\\s*$' THEN RETURN NULL; END IF;
    RETURN timestamp '1970-01-01' + round(raw_value::numeric * 1000) * interval '1 millisecond';
  END IF;
  IF md IN ('julianday', 'auto') THEN
    IF NOT first OR raw_value !~ '^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)\\s*$' THEN RETURN NULL; END IF;
    RETURN ts;
  END IF;
  IF md = 'start of day' THEN RETURN date_trunc('day', ts); END IF;
  IF md = 'start of month' THEN RETURN date_trunc('month', ts); END IF;
  IF md = 'start of year' THEN RETURN date_trunc('year', ts); END IF;
  m := regexp_match(md, '^weekday\\s+(\\d+)$');
  IF m IS NOT NULL THEN
    IF m[1]::int > 6 THEN RETURN NULL; END IF;
    RETURN ts + ((m[1]::int - extract(dow FROM ts)::int + 7) % 7) * interval '1 day';
  END IF;
  m := regexp_match(md, '^([+-]?(?:\\d+\\.?\\d*|\\.\\d+))\\s*(second|minute|hour|day|month|year)s?$');
  IF m IS NOT NULL THEN
    n := m[1]::numeric;
    -- SQLite can't take a date past 9999 apart into its month and year: adding either gives no time
    IF m[2] IN ('month', 'year') AND extract(year FROM ts) > 9999 THEN RETURN NULL; END IF;
    RETURN CASE m[2]
      WHEN 'second' THEN ts + round(n * 1000) * interval '1 millisecond'
      WHEN 'minute' THEN ts + round(n * 60000) * interval '1 millisecond'
      WHEN 'hour' THEN ts + round(n * 3600000) * interval '1 millisecond'
      WHEN 'day' THEN ts + round(n * 86400000) * interval '1 millisecond'
      WHEN 'month' THEN satchel_add_months(ts, n)
      ELSE satchel_add_months(ts, n * 12)
    END;
  END IF;
  m := regexp_match(md, '^([+-])(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d+)?)?$');
  IF m IS NOT NULL THEN
    sign := CASE WHEN m[1] = '-' THEN -1 ELSE 1 END;
    RETURN ts + sign * make_interval(hours => m[2]::int, mins => m[3]::int,
      secs => (COALESCE(m[4], '0') || COALESCE(m[5], ''))::double precision);
  END IF;
  m := regexp_match(md, '^([+-])(\\d{4})-(\\d{2})-(\\d{2})(?:\\s+(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d+)?)?)?$');
  IF m IS NOT NULL THEN
    sign := CASE WHEN m[1] = '-' THEN -1 ELSE 1 END;
    ts := satchel_add_months(ts, sign * (m[2]::int * 12 + m[3]::int));
    RETURN ts + sign * make_interval(days => m[4]::int, hours => COALESCE(m[5], '0')::int,
      mins => COALESCE(m[6], '0')::int, secs => (COALESCE(m[7], '0') || COALESCE(m[8], ''))::double precision);
  END IF;
  RETURN NULL;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION satchel_strftime(fmt text, tv text, VARIADIC modifiers text[] DEFAULT '{}')
RETURNS text LANGUAGE plpgsql STABLE PARALLEL UNSAFE AS $$
DECLARE
  ts timestamp;
  out text := '';
  i int := 1;
  c text;
  jd numeric;
  k int;
  subsec boolean := false;
BEGIN
  IF fmt IS NULL THEN RETURN NULL; END IF;
  ts := satchel_time_value(tv);
  IF ts IS NULL AND modifiers IS NOT NULL AND cardinality(modifiers) > 0
      AND lower(btrim(modifiers[1])) IN ('unixepoch', 'auto') THEN
    ts := timestamp '1970-01-01';
  END IF;
  IF modifiers IS NOT NULL THEN
    FOR k IN 1 .. COALESCE(cardinality(modifiers), 0) LOOP
      IF modifiers[k] IS NULL THEN RETURN NULL; END IF;
      subsec := subsec OR lower(btrim(modifiers[k])) IN ('subsec', 'subsecond');
      ts := satchel_apply_modifier(ts, tv, modifiers[k], k = 1);
    END LOOP;
  END IF;
  IF ts IS NULL OR extract(year FROM ts) NOT BETWEEN 0 AND 9999 THEN RETURN NULL; END IF;
  WHILE i <= length(fmt) LOOP
    c := substr(fmt, i, 1);
    IF c <> '%' THEN
      out := out || c;
      i := i + 1;
      CONTINUE;
    END IF;
    c := substr(fmt, i + 1, 1);
    i := i + 2;
    out := out || CASE c
      WHEN 'd' THEN to_char(ts, 'DD')
      WHEN 'e' THEN lpad(extract(day FROM ts)::int::text, 2)
      WHEN 'f' THEN to_char(ts, 'SS.MS')
      WHEN 'F' THEN to_char(ts, 'YYYY-MM-DD')
      WHEN 'H' THEN to_char(ts, 'HH24')
      WHEN 'I' THEN to_char(ts, 'HH12')
      WHEN 'j' THEN to_char(ts, 'DDD')
      WHEN 'J' THEN rtrim(rtrim(round(satchel_ts_to_julian(ts), 9)::text, '0'), '.')
      WHEN 'k' THEN lpad(extract(hour FROM ts)::int::text, 2)
      WHEN 'l' THEN lpad(to_char(ts, 'FMHH12'), 2)
      WHEN 'm' THEN to_char(ts, 'MM')
      WHEN 'M' THEN to_char(ts, 'MI')
      WHEN 'p' THEN to_char(ts, 'AM')
      WHEN 'P' THEN lower(to_char(ts, 'AM'))
      WHEN 'R' THEN to_char(ts, 'HH24:MI')
      -- with subsec among the modifiers, to the millisecond
      WHEN 's' THEN CASE WHEN subsec THEN to_char(extract(epoch FROM ts), 'FM99999999999999990.000')
        ELSE floor(extract(epoch FROM ts))::bigint::text END
      WHEN 'S' THEN to_char(ts, 'SS')
      WHEN 'T' THEN to_char(ts, 'HH24:MI:SS')
      WHEN 'u' THEN extract(isodow FROM ts)::int::text
      WHEN 'w' THEN extract(dow FROM ts)::int::text
      WHEN 'W' THEN lpad(((extract(doy FROM ts)::int + 6 - ((extract(dow FROM ts)::int + 6) % 7)) / 7)::text, 2, '0')
      WHEN 'U' THEN lpad(((extract(doy FROM ts)::int + 6 - extract(dow FROM ts)::int) / 7)::text, 2, '0')
      WHEN 'V' THEN to_char(ts, 'IW')
      WHEN 'G' THEN to_char(ts, 'IYYY')
      WHEN 'g' THEN to_char(ts, 'IY')
      WHEN 'Y' THEN to_char(ts, 'YYYY')
      WHEN '%' THEN '%'
    END;
    IF out IS NULL THEN RETURN NULL; END IF;
  END LOOP;
  RETURN out;
END $$;
`;

/** The whole installation script; the marker function goes last, so a failed install is redone. */
export const functionsSql = `${numberFunctions}
${jsonFunctions}
${valueFunctions}
${timeFunctions}
CREATE OR REPLACE FUNCTION ${functionsMarker}() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT ${functionsVersion} $$;
`;
