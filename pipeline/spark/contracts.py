"""Reel's bronze data contract (schemas/lakehouse/bronze_tables.yml), applied to one CSV line.

The YAML is the one source of truth for both engines: this module loads the same rules `reel etl`
loads and checks them in the same order, so a row is quarantined with the same *first* rule it
breaks, whichever engine read it. Parsers accept exactly the contract's syntax (ASCII digits, no
spaces, no sign where none is allowed) — the Swift `FieldParsers` — rather than Python's lenient
`int()`/`float()`.

Row-local rules run here, on executors. `unique` and `reference` need other rows; `check_row` tells
the caller which of them remain (`pending`) so that the job resolves them with joins.
"""
import calendar
import time

IMPLEMENTED = {"field_count", "positive_int32", "integer", "decimal_step", "not_before",
               "not_after_run_clock", "not_empty", "utf8", "digits", "genre_list", "unique", "reference"}
MICROS = 1_000_000


class ContractError(Exception):
    pass


def load(path):
    import yaml  # on the driver only: executors receive the parsed tables
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    tables = {}
    for t in doc["tables"]:
        for r in t.get("rules", []):
            if r["check"] not in IMPLEMENTED:
                raise ContractError(f"{path}: table {t['name']} rule {r['name']}: check {r['check']} is not implemented by the Spark jobs")
        tables[t["name"]] = t
    return tables


def split_line(line):
    """RFC 4180 fields of one line, and whether its quoting is broken (the Swift CSVScanner's rules:
    a quote inside an unquoted field, text after a closing quote, a quoted field that does not close
    on this line — records spanning lines are refused here, see docs/scaling.md)."""
    if '"' not in line:  # no quoting at all (nearly every MovieLens line): the same fields, at C speed
        return line.split(","), False
    fields, malformed, i, n = [], False, 0, len(line)
    while True:
        if i < n and line[i] == '"':
            i += 1
            buf = []
            closed = False
            while i < n:
                c = line[i]
                if c == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    closed = True
                    i += 1
                    break
                buf.append(c)
                i += 1
            if not closed:
                malformed = True
            start = i
            while i < n and line[i] != ",":
                i += 1
            if i > start:
                malformed = True
                buf.append(line[start:i])
            fields.append("".join(buf))
        else:
            start = i
            while i < n and line[i] != ",":
                if line[i] == '"':
                    malformed = True
                i += 1
            fields.append(line[start:i])
        if i >= n:
            return fields, malformed
        i += 1  # the comma


def positive_int32(s):
    if not 1 <= len(s) <= 10 or not s.isascii() or not s.isdigit():
        return None
    v = int(s)
    return v if 1 <= v <= 2147483647 else None


def integer(s):
    body = s[1:] if s.startswith("-") else s
    if not 1 <= len(body) <= 18 or not body.isascii() or not body.isdigit():
        return None
    return -int(body) if s.startswith("-") else int(body)


def decimal_micros(s):
    neg = s.startswith("-")
    body = s[1:] if neg else s
    whole, dot, frac = body.partition(".")
    if not 1 <= len(whole) <= 12 or not whole.isascii() or not whole.isdigit():
        return None
    if dot and (not frac or not frac.isascii() or not frac.isdigit() or frac[6:].strip("0")):
        return None
    v = int(whole) * MICROS + (int((frac + "000000")[:6]) if dot else 0)
    return -v if neg else v


def micros(x):
    return int(round(float(x) * MICROS))


def utc_seconds(text):
    return calendar.timegm(time.strptime(str(text).replace("Z", ""), "%Y-%m-%dT%H:%M:%S"))


def has_text(s):
    return any(c not in " \t" for c in s)


def decode(raw):
    """Bytes of a line as text that keeps any byte that is not UTF-8 as a lone surrogate
    (U+DC80..U+DCFF, Python's `surrogateescape`), so the `utf8` rule can see it and the
    quarantine can write the original bytes back. Python's UTF-8 decoder is as strict as
    Reel's `UTF8Check`: overlongs, encoded surrogates and code points above U+10FFFF are errors."""
    return raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw


def is_utf8(s):
    """Whether text decoded by `decode` (or opened with errors="surrogateescape") came from valid UTF-8."""
    return not any("\ud800" <= c <= "\udfff" for c in s)


class TableRules:
    """One table's columns and rules, compiled once per executor."""

    def __init__(self, table, run_clock):
        self.name = table["name"]
        self.columns = [c["name"] for c in table["columns"]]
        self.required = {c["name"] for c in table["columns"] if c.get("required")}
        self.rules = table.get("rules", [])
        self.run_clock = run_clock
        for r in self.rules:
            if r["check"] == "not_before":
                r["_limit"] = utc_seconds(r["not_before"])
            if r["check"] == "not_after_run_clock":
                tolerance = int(r.get("tolerance_seconds", 0))
                if not 0 <= tolerance <= 86400:
                    raise ContractError(f"table {self.name} rule {r['name']}: tolerance_seconds must be 0...86400")
                r["_limit"] = run_clock + tolerance
            if r["check"] == "decimal_step":
                r["_min"], r["_max"], r["_step"] = micros(r["min"]), micros(r["max"]), micros(r["step"])

    def check_row(self, line):
        """(values by column, first broken row-local rule or None, [(rule, column)] still to check).

        Values are parsed numbers where a rule parsed them, else the field's text."""
        fields, malformed = split_line(line)
        values = {}
        pending = []
        for r in self.rules:
            check = r["check"]
            if check == "field_count":
                if malformed or len(fields) != len(self.columns):
                    return values, r["name"], []
                values = dict(zip(self.columns, fields))
                continue
            col = r["column"]
            raw = values.get(col, "")
            if check in ("unique", "reference"):
                pending.append((r["name"], check, col, r.get("references")))
                continue
            if raw == "" and col not in self.required:
                continue
            if pending:
                # A row-local rule after a join rule: its outcome is kept for the first-broken order.
                ok, parsed = self._check(r, raw)
                if ok and parsed is not None:
                    values[col] = parsed
                pending.append((r["name"], "local", col, ok))
                continue
            ok, parsed = self._check(r, raw)
            if not ok:
                return values, r["name"], []
            if parsed is not None:
                values[col] = parsed
        return values, None, pending

    def _check(self, r, raw):
        check = r["check"]
        if check == "positive_int32":
            v = positive_int32(raw)
            return v is not None, v
        if check == "integer":
            v = integer(raw)
            return v is not None, v
        if check == "decimal_step":
            v = decimal_micros(raw)
            ok = v is not None and r["_min"] <= v <= r["_max"] and v % r["_step"] == 0
            return ok, (v / MICROS if ok else None)
        if check == "not_before":
            return isinstance(raw, int) and raw >= r["_limit"], None
        if check == "not_after_run_clock":
            return isinstance(raw, int) and raw <= r["_limit"], None
        if check == "utf8":
            return is_utf8(raw), None
        if check == "not_empty":
            return has_text(raw), None
        if check == "digits":
            ok = 1 <= len(raw) <= min(r["max_length"], 18) and raw.isascii() and raw.isdigit()
            return ok, (int(raw) if ok else None)
        if check == "genre_list":
            if raw == r["none_listed"]:
                return True, 0
            vocab = r["vocabulary"]
            mask = 0
            for token in raw.split(r["separator"]):
                if token not in vocab:
                    return False, None
                mask |= 1 << vocab.index(token)
            return True, mask
        raise ContractError(f"check {check} is not implemented")


def open_table_schemas(path):
    """`open_tables:` of silver_tables.yml: table → [(column, type, nullable)] in order."""
    import yaml
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return {name: [(c["name"], c["type"], bool(c.get("nullable", False))) for c in t["columns"]]
            for name, t in doc["open_tables"].items()}
