// DuckDB side of bench/parquet_bench.cc, single-threaded. Usage:
//   node parquet_bench_duckdb.mjs INTEROP_DIR KEEL_FILE DUCKDB_FILE
// Loads KEEL_FILE into a table (untimed), times COPY to DUCKDB_FILE (SNAPPY), a full read and a
// one-column read of DUCKDB_FILE, then of KEEL_FILE, materialized into tables. Prints the five
// times in seconds on one line.
import { pathToFileURL } from 'node:url';

const [interop, keelFile, duckFile] = process.argv.slice(2);
const { DuckDBInstance } = await import(
  pathToFileURL(`${interop}/node_modules/@duckdb/node-api/lib/index.js`).href);
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run('PRAGMA threads=1');
const q = (s) => s.replaceAll("'", "''");
async function timed(sql) {
  const start = process.hrtime.bigint();
  await con.run(sql);
  return Number(process.hrtime.bigint() - start) / 1e9;
}
await con.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${q(keelFile)}')`);
const write = await timed(`COPY t TO '${q(duckFile)}' (FORMAT parquet, COMPRESSION snappy)`);
const read = await timed(`CREATE TABLE r1 AS SELECT * FROM read_parquet('${q(duckFile)}')`);
const readOne = await timed(`CREATE TABLE r2 AS SELECT name FROM read_parquet('${q(duckFile)}')`);
const readKeel = await timed(`CREATE TABLE r3 AS SELECT * FROM read_parquet('${q(keelFile)}')`);
const readKeelOne = await timed(`CREATE TABLE r4 AS SELECT name FROM read_parquet('${q(keelFile)}')`);
console.log(`${write} ${read} ${readOne} ${readKeel} ${readKeelOne}`);
