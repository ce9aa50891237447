// DuckDB side of bench/delta_bench.cc, single-threaded. Usage:
//   node delta_bench_duckdb.mjs INTEROP_DIR LATEST_LIST V50_LIST DUCKDB_DIR LOG_DIR
// LATEST_LIST and V50_LIST name (one a line) the Parquet files live in Keel's table at the
// latest version and at version 50. Loads each latest file into its own table (untimed), times
// COPY of each to DUCKDB_DIR/part-N.parquet (the same batches as Keel's commits), a full read of
// those files, of Keel's live files and of the version-50 files (materialized into tables), and
// read_json over LOG_DIR/*.json. Prints the five times in seconds on one line.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [interop, latestList, oldList, duckDir, logDir] = process.argv.slice(2);
const { DuckDBInstance } = await import(
  pathToFileURL(`${interop}/node_modules/@duckdb/node-api/lib/index.js`).href);
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run('PRAGMA threads=1');
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const files = (list) => readFileSync(list, 'utf8').split('\n').filter((l) => l.length > 0);
const parquetList = (paths) => `read_parquet([${paths.map(q).join(', ')}])`;
async function timed(sql) {
  const start = process.hrtime.bigint();
  await con.run(sql);
  return Number(process.hrtime.bigint() - start) / 1e9;
}
const latest = files(latestList);
for (let i = 0; i < latest.length; ++i) {
  await con.run(`CREATE TABLE b${i} AS SELECT * FROM read_parquet(${q(latest[i])})`);
}
let write = 0;
const own = [];
for (let i = 0; i < latest.length; ++i) {
  own.push(`${duckDir}/part-${i}.parquet`);
  write += await timed(`COPY b${i} TO ${q(own[i])} (FORMAT parquet, COMPRESSION snappy)`);
  await con.run(`DROP TABLE b${i}`);
}
const readOwn = await timed(`CREATE TABLE r1 AS SELECT * FROM ${parquetList(own)}`);
await con.run('DROP TABLE r1');
const readKeel = await timed(`CREATE TABLE r2 AS SELECT * FROM ${parquetList(latest)}`);
await con.run('DROP TABLE r2');
const readOld = await timed(`CREATE TABLE r3 AS SELECT * FROM ${parquetList(files(oldList))}`);
await con.run('DROP TABLE r3');
const readLog = await timed(`CREATE TABLE j AS SELECT * FROM read_json(${q(`${logDir}/*.json`)}, ` +
                            `format = 'newline_delimited', union_by_name = true)`);
console.log(`${write} ${readOwn} ${readKeel} ${readOld} ${readLog}`);
