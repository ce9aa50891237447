// An independent Delta log replay for Keel's interop tests, written from the Delta protocol
// (PROTOCOL.md: "Delta Log Entries", "Checkpoints", "Actions", "Action Reconciliation") and
// sharing no code with Keel. It checks the log on the way and reads the live data files with
// DuckDB's read_parquet, printing each row in Keel's text forms (duckdb_format.mjs).
//
//   node delta_replay.mjs TABLE_ROOT [VERSION...]
//
// Output, for each VERSION (default: the latest): one header line {"version":V,"checkpoint":
// C|null,"files":N,"columns":[names]}, then one JSON object per row of version V, columns in
// schema order with the partition columns filled in from add.partitionValues. On any violation
// of the protocol it prints {"error":"..."} and exits with 1.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { rowJson } from './duckdb_format.mjs';

class ProtocolError extends Error {}
function check(ok, message) {
  if (!ok) throw new ProtocolError(message);
}

const COMMIT = /^(\d{20})\.json$/;
const CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const ACTIONS = new Set(['add', 'remove', 'metaData', 'protocol', 'commitInfo', 'txn', 'cdc',
                         'domainMetadata']);

function has(obj, field, type) {
  if (!(field in obj)) return false;
  const v = obj[field];
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number' && Number.isInteger(v);
    case 'bool': return typeof v === 'boolean';
    case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    default: return false;
  }
}

// A relative path, encoded as an RFC 2396 URI: no scheme, no leading '/', only URI characters,
// every '%' an escape, and decoding must give a name that encodes back to the same text.
function checkPath(path, where) {
  check(!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path) && !path.startsWith('/'),
        `${where}: path "${path}" is not relative`);
  check(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/.test(path) && !/%(?![0-9A-Fa-f]{2})/.test(path),
        `${where}: path "${path}" is not URI-encoded`);
  const decoded = decodeURIComponent(path);
  check(!decoded.split('/').includes('..'), `${where}: path "${path}" leaves the table`);
  return decoded;
}

// The fields PROTOCOL.md requires of each action in a commit file.
function checkAction(action, where) {
  const keys = Object.keys(action);
  check(keys.length === 1, `${where}: a line must hold exactly one action, not ${keys}`);
  const [kind] = keys;
  const a = action[kind];
  check(ACTIONS.has(kind), `${where}: unknown action "${kind}"`);
  check(has(action, kind, 'object'), `${where}: ${kind} is not an object`);
  const need = (field, type) => check(has(a, field, type), `${where}: ${kind}.${field} missing or not a ${type}`);
  if (kind === 'add') {
    need('path', 'string'); need('partitionValues', 'object'); need('size', 'number');
    need('modificationTime', 'number'); need('dataChange', 'bool');
    for (const v of Object.values(a.partitionValues)) {
      check(v === null || typeof v === 'string', `${where}: partition values are strings or null`);
    }
    if ('stats' in a) check(typeof a.stats === 'string', `${where}: add.stats is a JSON string`);
    checkPath(a.path, where);
  } else if (kind === 'remove') {
    need('path', 'string'); need('dataChange', 'bool'); need('deletionTimestamp', 'number');
    checkPath(a.path, where);
  } else if (kind === 'metaData') {
    need('id', 'string'); need('format', 'object'); need('schemaString', 'string');
    need('partitionColumns', 'array'); need('configuration', 'object');
    check(has(a.format, 'provider', 'string'), `${where}: metaData.format.provider missing`);
    JSON.parse(a.schemaString);
  } else if (kind === 'protocol') {
    need('minReaderVersion', 'number'); need('minWriterVersion', 'number');
  } else if (kind === 'txn') {
    need('appId', 'string'); need('version', 'number');
  }
  return [kind, a];
}

// The table state being reconstructed (PROTOCOL.md "Action Reconciliation").
class State {
  constructor() {
    this.protocol = null;
    this.metaData = null;
    this.txns = new Map();
    this.files = new Map();  // decoded path -> add
  }
  apply(kind, a) {
    if (kind === 'protocol') this.protocol = a;
    else if (kind === 'metaData') this.metaData = a;
    else if (kind === 'txn') this.txns.set(a.appId, a.version);
    else if (kind === 'add') this.files.set(decodeURIComponent(a.path), a);
    else if (kind === 'remove') this.files.delete(decodeURIComponent(a.path));
  }
  // What a checkpoint must agree on with the commits it summarises.
  summary() {
    return {
      protocol: JSON.stringify([this.protocol?.minReaderVersion, this.protocol?.minWriterVersion]),
      metaData: JSON.stringify([this.metaData?.id, this.metaData?.schemaString,
                                this.metaData?.partitionColumns]),
      txns: JSON.stringify([...this.txns].sort()),
      files: JSON.stringify([...this.files.entries()].map(([p, a]) => [p, a.size]).sort()),
    };
  }
}

function readCommit(logDir, version) {
  const name = `${String(version).padStart(20, '0')}.json`;
  const text = readFileSync(join(logDir, name), 'utf8');
  const actions = [];
  const paths = new Set();
  // Newline-delimited JSON; Spark leaves out the last newline, Keel writes it.
  text.replace(/\n$/, '').split('\n').forEach((line, i) => {
    const where = `${name} line ${i + 1}`;
    let parsed;
    try { parsed = JSON.parse(line); } catch (e) { throw new ProtocolError(`${where}: ${e.message}`); }
    const [kind, a] = checkAction(parsed, where);
    if (kind === 'add' || kind === 'remove') {
      // "at most one file action of the same type for any one path" per version
      const key = `${kind}:${decodeURIComponent(a.path)}`;
      check(!paths.has(key), `${where}: two ${kind} actions for ${a.path}`);
      paths.add(key);
    }
    actions.push([kind, a]);
  });
  check(actions.length > 0, `${name} is empty`);
  return actions;
}

const con = await (await DuckDBInstance.create(':memory:')).connect();
const sql = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;

// The checkpoint's columns must be the standard checkpoint schema.
const CHECKPOINT_FIELDS = {
  add: ['path', 'partitionValues', 'size', 'modificationTime', 'dataChange', 'stats'],
  remove: ['path', 'deletionTimestamp', 'dataChange'],
  metaData: ['id', 'format', 'schemaString', 'partitionColumns', 'configuration'],
  protocol: ['minReaderVersion', 'minWriterVersion'],
  txn: ['appId', 'version'],
};

async function readCheckpoint(path) {
  const r = await con.runAndReadAll(`SELECT * FROM read_parquet(${sql(path)})`);
  const names = r.columnNames();
  const types = r.columnTypes();
  for (const [column, fields] of Object.entries(CHECKPOINT_FIELDS)) {
    const i = names.indexOf(column);
    check(i >= 0, `checkpoint ${path} has no ${column} column`);
    const have = types[i].entryNames ?? [];
    for (const f of fields) check(have.includes(f), `checkpoint column ${column} lacks ${f}`);
  }
  const addType = types[names.indexOf('add')];
  const pv = addType.entryTypes[addType.entryNames.indexOf('partitionValues')];
  check(pv.toString() === 'MAP(VARCHAR, VARCHAR)', `add.partitionValues is ${pv}, not a map`);
  const actions = [];
  for (const row of r.getRowObjectsJson()) {
    const present = Object.keys(CHECKPOINT_FIELDS).filter((k) => row[k] !== null);
    check(present.length <= 1, `a checkpoint row holds ${present}`);
    if (present.length === 0) continue;
    const [kind] = present;
    const a = { ...row[kind] };
    if (kind === 'add') {
      a.partitionValues = Object.fromEntries(a.partitionValues.map((e) => [e.key, e.value]));
      checkPath(a.path, `checkpoint add`);
    }
    // getRowObjectsJson gives BIGINTs as strings.
    for (const f of ['size', 'modificationTime', 'deletionTimestamp', 'version', 'minReaderVersion',
                     'minWriterVersion']) {
      if (typeof a[f] === 'string') a[f] = Number(a[f]);
    }
    actions.push([kind, a]);
  }
  return actions;
}

// Delta primitive type -> DuckDB type, for partition values (PROTOCOL.md "Partition Value
// Serialization").
function duckType(t) {
  const simple = { string: 'VARCHAR', long: 'BIGINT', integer: 'INTEGER', short: 'SMALLINT',
    byte: 'TINYINT', boolean: 'BOOLEAN', double: 'DOUBLE', float: 'FLOAT', date: 'DATE',
    timestamp: 'TIMESTAMPTZ', timestamp_ntz: 'TIMESTAMP', binary: 'BLOB' };
  if (typeof t === 'string' && simple[t]) return simple[t];
  const dec = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
  check(dec, `partition column of type ${JSON.stringify(t)} is not supported by the replay`);
  return `DECIMAL(${dec[1]},${dec[2]})`;
}

async function main() {
  const [root, ...versionArgs] = process.argv.slice(2);
  const logDir = join(root, '_delta_log');
  const names = readdirSync(logDir);
  const commits = names.map((n) => COMMIT.exec(n)).filter(Boolean).map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  check(commits.length > 0, 'the log has no commits');
  commits.forEach((v, i) => check(v === i, `commit versions are not contiguous from 0 at ${v}`));
  const latest = commits[commits.length - 1];
  // Every commit of the log is checked, not only those the replay needs.
  const log = commits.map((v) => readCommit(logDir, v));
  const versions = versionArgs.length === 0 ? [latest] : versionArgs.map(Number);
  for (const version of versions) {
    check(Number.isInteger(version) && version >= 0 && version <= latest, `no version ${version}`);
    await printVersion(root, logDir, names, log, version);
  }
}

// Reconstructs `version` from the newest checkpoint at or below it (checked against a replay of
// the commits from 0) and prints its header and rows.
async function printVersion(root, logDir, names, log, version) {
  const fromZero = new State();
  for (let v = 0; v <= version; ++v) for (const [k, a] of log[v]) fromZero.apply(k, a);

  const checkpoints = names.map((n) => CHECKPOINT.exec(n)).filter(Boolean).map((m) => Number(m[1]))
    .filter((v) => v <= version).sort((a, b) => a - b);
  let state = fromZero;
  let checkpoint = null;
  if (checkpoints.length > 0) {
    checkpoint = checkpoints[checkpoints.length - 1];
    state = new State();
    for (const [k, a] of await readCheckpoint(join(logDir, names.find((n) =>
      CHECKPOINT.exec(n)?.[1] === String(checkpoint).padStart(20, '0'))))) state.apply(k, a);
    for (let v = checkpoint + 1; v <= version; ++v) for (const [k, a] of log[v]) state.apply(k, a);
    const [a, b] = [state.summary(), fromZero.summary()];
    for (const part of Object.keys(a)) {
      check(a[part] === b[part], `checkpoint ${checkpoint} + commits differs from commits ` +
            `0..${version} in ${part}: ${a[part].slice(0, 300)} vs ${b[part].slice(0, 300)}`);
    }
  }
  check(state.protocol && state.metaData, 'no protocol or metaData at this version');
  const schema = JSON.parse(state.metaData.schemaString);
  const partitions = new Set(state.metaData.partitionColumns);
  const columns = schema.fields.map((f) => f.name);
  const files = [...state.files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  process.stdout.write(JSON.stringify({ version, checkpoint, files: files.length, columns }) + '\n');

  if (files.length === 0) return;
  // One query for the whole version: the data files read together (by column name; columns a
  // file lacks are null), joined on file name to their partition values.
  const paths = files.map((add) => {
    const file = join(root, decodeURIComponent(add.path));
    check(statSync(file).size === add.size, `${add.path}: size ${statSync(file).size} != add.size ${add.size}`);
    return file;
  });
  const data = `read_parquet([${paths.map(sql).join(', ')}], union_by_name = true, filename = true)`;
  const present = (await con.runAndReadAll(`SELECT * FROM ${data} LIMIT 0`)).columnNames();
  const partitionFields = schema.fields.filter((f) => partitions.has(f.name));
  const values = files.map((add, i) => '(' + [sql(paths[i]), ...partitionFields.map((f) => {
    check(f.name in add.partitionValues, `${add.path}: no partition value for ${f.name}`);
    const v = add.partitionValues[f.name];
    return `CAST(${v === null ? 'NULL' : sql(v)} AS ${duckType(f.type)})`;
  })].join(', ') + ')');
  const pvColumns = ['filename', ...partitionFields.map((f) => ident(f.name))].join(', ');
  const select = schema.fields.map((f) => {
    if (partitions.has(f.name)) return `pv.${ident(f.name)}`;
    return present.includes(f.name) ? `d.${ident(f.name)}` : `NULL AS ${ident(f.name)}`;
  });
  const r = await con.runAndReadAll(`WITH pv(${pvColumns}) AS (VALUES ${values.join(', ')}) ` +
                                    `SELECT ${select.join(', ')} FROM ${data} d JOIN pv USING (filename)`);
  const types = r.columnTypes();
  for (const row of r.getRows()) process.stdout.write(rowJson(row, columns, types) + '\n');
}

try {
  await main();
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e instanceof ProtocolError ? e.message : String(e.stack) }) + '\n');
  process.exit(1);
}
