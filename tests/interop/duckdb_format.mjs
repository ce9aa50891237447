// DuckDB values in the stable text forms of Keel (the `keel parquet cat` contract, see
// storage/batch/value_format.h), shared by the interop oracles (duckdb_rows.mjs,
// delta_replay.mjs): toJson(value, type) for one value, rowJson(row, names, types) for a row.
import { DuckDBTypeId } from '@duckdb/node-api';

function civil(days) {  // days since epoch (BigInt) -> "YYYY-MM-DD"
  let z = days + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  const y = yoe + era * 400n + (m <= 2n ? 1n : 0n);
  const ys = y >= 0n && y <= 9999n ? y.toString().padStart(4, '0')
                                   : (y < 0n ? '-' : '+') + (y < 0n ? -y : y).toString().padStart(4, '0');
  return `${ys}-${m.toString().padStart(2, '0')}-${d.toString().padStart(2, '0')}`;
}

function floorDiv(a, b) {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function timestamp(micros, utc) {
  const perDay = 86400000000n;
  const days = floorDiv(micros, perDay);
  const rem = micros - days * perDay;
  const secs = rem / 1000000n;
  const frac = rem % 1000000n;
  const p2 = (x) => x.toString().padStart(2, '0');
  return `${civil(days)}T${p2(secs / 3600n)}:${p2((secs / 60n) % 60n)}:${p2(secs % 60n)}.` +
         `${frac.toString().padStart(6, '0')}${utc ? 'Z' : ''}`;
}

function decimal(value, scale) {
  const neg = value < 0n;
  let digits = (neg ? -value : value).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return (neg ? '-' : '') + digits;
}

function float(x) {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Infinity) return '"Infinity"';
  if (x === -Infinity) return '"-Infinity"';
  return Object.is(x, -0) ? '-0' : String(x);
}

export function toJson(v, type) {
  if (v === null || v === undefined) return 'null';
  const id = type.typeId;
  switch (id) {
    case DuckDBTypeId.BOOLEAN: return v ? 'true' : 'false';
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT: case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.BIGINT:
      return v.toString();
    case DuckDBTypeId.UBIGINT: case DuckDBTypeId.HUGEINT: case DuckDBTypeId.UHUGEINT:
      return JSON.stringify(v.toString());  // Keel reads UINT_64 as decimal(20,0): a string
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: return float(v);
    case DuckDBTypeId.VARCHAR: return JSON.stringify(v);
    case DuckDBTypeId.BLOB: return JSON.stringify(Buffer.from(v.bytes).toString('base64'));
    case DuckDBTypeId.DATE: return JSON.stringify(civil(BigInt(v.days)));
    case DuckDBTypeId.TIMESTAMP: return JSON.stringify(timestamp(v.micros, false));
    case DuckDBTypeId.TIMESTAMP_TZ: return JSON.stringify(timestamp(v.micros, true));
    case DuckDBTypeId.TIMESTAMP_MS: return JSON.stringify(timestamp(v.millis * 1000n, false));
    case DuckDBTypeId.TIMESTAMP_S: return JSON.stringify(timestamp(v.seconds * 1000000n, false));
    case DuckDBTypeId.TIMESTAMP_NS: return JSON.stringify(timestamp(floorDiv(v.nanos, 1000n), false));
    case DuckDBTypeId.DECIMAL: return JSON.stringify(decimal(v.value, v.scale));
    case DuckDBTypeId.LIST: case DuckDBTypeId.ARRAY:
      return '[' + v.items.map((x) => toJson(x, type.valueType)).join(',') + ']';
    case DuckDBTypeId.STRUCT:
      return '{' + type.entryNames.map((n, i) =>
        JSON.stringify(n) + ':' + toJson(v.entries[n], type.entryTypes[i])).join(',') + '}';
    case DuckDBTypeId.MAP:
      if (type.keyType.typeId === DuckDBTypeId.VARCHAR) {
        return '{' + v.entries.map((e) => JSON.stringify(e.key) + ':' + toJson(e.value, type.valueType)).join(',') + '}';
      }
      return '[' + v.entries.map((e) => '{"key":' + toJson(e.key, type.keyType) + ',"value":' +
                                         toJson(e.value, type.valueType) + '}').join(',') + ']';
    default:
      return JSON.stringify(String(v));
  }
}

// One row of a DuckDB result as a JSON object, keys = column names in order.
export function rowJson(row, names, types) {
  return '{' + names.map((n, i) => JSON.stringify(n) + ':' + toJson(row[i], types[i])).join(',') + '}';
}
