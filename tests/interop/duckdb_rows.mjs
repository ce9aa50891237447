// Oracle for Keel's Parquet interop tests: reads Parquet files with DuckDB and prints each row
// as one JSON object in the `keel parquet cat` contract (see storage/batch/value_format.h), so
// the C++ test can compare DuckDB's values with Keel's value by value.
//
//   node duckdb_rows.mjs FILE...     -> for each file: a line {"file":F,"error":msg|null,
//                                        "columns":[{"name","type"}]} then one line per row
//   node duckdb_rows.mjs --sql SQL   -> the rows of an arbitrary query (for metadata checks)
import { DuckDBInstance } from '@duckdb/node-api';
import { rowJson } from './duckdb_format.mjs';

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();

const args = process.argv.slice(2);
if (args[0] === '--sql') {
  const r = await con.runAndReadAll(args[1]);
  const types = r.columnTypes();
  const names = r.columnNames();
  for (const row of r.getRows()) {
    process.stdout.write(rowJson(row, names, types) + '\n');
  }
} else {
  for (const file of args) {
    let r;
    try {
      r = await con.runAndReadAll(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
    } catch (e) {
      process.stdout.write(JSON.stringify({ file, error: String(e.message), columns: [] }) + '\n');
      continue;
    }
    const types = r.columnTypes();
    const names = r.columnNames();
    process.stdout.write(JSON.stringify({ file, error: null,
      columns: names.map((n, i) => ({ name: n, type: types[i].toString() })) }) + '\n');
    for (const row of r.getRows()) {
      process.stdout.write(rowJson(row, names, types) + '\n');
    }
  }
}
