// Interop: the `mlflow` npm package (a Node.js MLflow client nobody here wrote) against a real
// `keel server`. Usage: node mlflow_npm_scenario.js http://127.0.0.1:PORT TOKEN
// Exits non-zero with a message on the first mismatch. The package predates MLflow 2 (it calls
// experiments/list) and cannot upload artifacts, so uploads go through fetch to the
// mlflow-artifacts API, as the Python client does.
'use strict';
const assert = require('node:assert/strict');
const MLflow = require('mlflow');

const [endpoint, token] = process.argv.slice(2);
if (!endpoint || !token) {
  console.error('usage: node mlflow_npm_scenario.js ENDPOINT TOKEN');
  process.exit(2);
}
// The package logs every request body; keep the test output readable.
console.log = () => {};
const headers = { Authorization: `Bearer ${token}` };
const client = new MLflow({ endpoint, headers });
const { Experiments, Runs, Metrics, Artifacts } = client;

async function expectError(promise, status, errorCode) {
  try {
    await promise;
  } catch (e) {
    const text = String(e.message).replace(/^Error: /, '');
    const parsed = JSON.parse(text);
    assert.equal(parsed.status, status, text);
    if (errorCode) assert.equal(parsed.data.error_code, errorCode, text);
    return;
  }
  assert.fail(`expected HTTP ${status}`);
}

async function main() {
  const name = `npm-interop-${Date.now()}`;
  const { experiment_id } = await Experiments.create({ name });
  assert.match(experiment_id, /^\d+$/);

  const { experiments } = await Experiments.list();
  assert.ok(experiments.some((e) => e.experiment_id === experiment_id && e.name === name));
  assert.ok(experiments.some((e) => e.experiment_id === '0' && e.name === 'Default'));
  const { experiment } = await Experiments.get({ experiment_id });
  assert.equal(experiment.lifecycle_stage, 'active');
  await expectError(Experiments.create({ name }), 400, 'RESOURCE_ALREADY_EXISTS');

  const now = Date.now();
  const { run } = await Runs.create({
    experiment_id, start_time: now, tags: [{ key: 'mlflow.runName', value: 'npm-run' }],
  });
  const run_id = run.info.run_id;
  assert.equal(run.info.status, 'RUNNING');
  assert.equal(run.info.run_name, 'npm-run');

  await Runs.logParameter({ run_id, key: 'lr', value: '0.01' });
  await expectError(Runs.logParameter({ run_id, key: 'lr', value: '0.02' }), 400,
                    'INVALID_PARAMETER_VALUE');
  await Runs.setTag({ run_id, key: 'team', value: 'growth' });
  for (let step = 0; step < 5; step++) {
    await Runs.logMetric({ run_id, key: 'loss', value: 1 / (step + 1), timestamp: now + step, step });
  }
  await Runs.logBatch({
    run_id,
    metrics: [{ key: 'auc', value: 0.91, timestamp: now, step: 0 },
              { key: 'auc', value: 0.93, timestamp: now + 1, step: 1 }],
    params: [{ key: 'depth', value: '6' }],
    tags: [{ key: 'stage', value: 'dev' }],
  });

  const got = (await Runs.get({ run_id })).run;
  const metric = (k) => got.data.metrics.find((m) => m.key === k);
  assert.equal(metric('auc').value, 0.93);
  assert.equal(metric('loss').value, 0.2);
  assert.deepEqual(got.data.params.map((p) => p.key).sort(), ['depth', 'lr']);
  assert.ok(got.data.tags.some((t) => t.key === 'team' && t.value === 'growth'));

  const history = await Metrics.getHistory({ run_id, metric_key: 'loss' });
  assert.deepEqual(history.metrics.map((m) => m.step), [0, 1, 2, 3, 4]);

  // A second run to search over.
  const other = (await Runs.create({ experiment_id, start_time: now + 10 })).run.info.run_id;
  await Runs.logBatch({ run_id: other, metrics: [{ key: 'auc', value: 0.5, timestamp: now, step: 0 }],
                        params: [{ key: 'lr', value: '0.1' }] });
  const found = await Runs.search({ experiment_ids: [experiment_id], filter: 'metrics.auc > 0.9' });
  assert.deepEqual(found.runs.map((r) => r.info.run_id), [run_id]);
  const ordered = await Runs.search({ experiment_ids: [experiment_id], order_by: ['metrics.auc ASC'] });
  assert.deepEqual(ordered.runs.map((r) => r.info.run_id), [other, run_id]);
  const byParam = await Runs.search({ experiment_ids: [experiment_id], filter: "params.lr = '0.1'" });
  assert.deepEqual(byParam.runs.map((r) => r.info.run_id), [other]);
  await expectError(Runs.search({ experiment_ids: [experiment_id], filter: 'metrics.auc >>> 1' }),
                    400, 'INVALID_PARAMETER_VALUE');

  // Artifacts: upload through the proxy, list through the client.
  const artifactUri = got.info.artifact_uri;  // mlflow-artifacts:/<exp>/<run>/artifacts
  const relative = artifactUri.replace(/^mlflow-artifacts:\//, '');
  const put = await fetch(`${endpoint}/api/2.0/mlflow-artifacts/artifacts/${relative}/model/notes.txt`,
                          { method: 'PUT', headers, body: 'hello from npm' });
  assert.equal(put.status, 200, await put.text());
  const listing = await Artifacts.list({ run_id, path: 'model' });
  assert.deepEqual(listing.files.map((f) => [f.path, f.is_dir, Number(f.file_size)]),
                   [['model/notes.txt', false, 14]]);
  const download = await fetch(`${endpoint}/api/2.0/mlflow-artifacts/artifacts/${relative}/model/notes.txt`,
                               { headers });
  assert.equal(await download.text(), 'hello from npm');

  await Runs.update({ run_id, status: 'FINISHED', end_time: now + 100 });
  assert.equal((await Runs.get({ run_id })).run.info.status, 'FINISHED');
  await Runs.delete({ run_id: other });
  const active = await Runs.search({ experiment_ids: [experiment_id], run_view_type: 'ACTIVE_ONLY' });
  assert.deepEqual(active.runs.map((r) => r.info.run_id), [run_id]);
  await Runs.restore({ run_id: other });
  await Runs.deleteTag({ run_id, key: 'team' });

  await Experiments.update({ experiment_id, new_name: `${name}-renamed` });
  await Experiments.delete({ experiment_id });
  await expectError(Runs.create({ experiment_id }), 400, 'INVALID_PARAMETER_VALUE');
  await Experiments.restore({ experiment_id });

  // Without the token the server answers 401.
  const anonymous = new MLflow({ endpoint });
  await expectError(anonymous.Experiments.list(), 401, 'UNAUTHENTICATED');
  process.stdout.write('mlflow npm scenario: ok\n');
}

main().catch((e) => {
  process.stderr.write(`mlflow npm scenario failed: ${e.stack || e}\n`);
  process.exit(1);
});
