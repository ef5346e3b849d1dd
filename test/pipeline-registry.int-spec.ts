/**
 * The registry is the one list of pipelines: every place that must know a pipeline knows each registered one
 * (the workflow bundle, the workers' composed activities, GET /v1/pipelines, the OpenAPI document, the CLI's
 * help, batch scans), and a pipeline added by its definition alone runs through the REST API: here the
 * one-long-step example, gaussian-fit, submitted like any job, its result files listed and streamed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as workflows from '../workflows';
import { pipelinesHelp } from '../api/cli/pipeline-params';
import { paramsSchemaName } from '../api/pipelines/params-schema';
import { jobFiles, PIPELINE_NAMES, PIPELINES, SCAN_EXTENSIONS, type GaussianFitResult } from '../workflows/contracts';
import { IMAGES } from './support/gaussian-fit-stack';
import { startTestStack, waitForJob, type TestStack } from './support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

it('every registered pipeline is known wherever it must be', async () => {
  const listed = (await stack.api().get('/v1/pipelines').expect(200)).body as { pipelines: { name: string; params: { properties: object } }[] };
  const doc = (await stack.api().get('/openapi.json').expect(200)).body as { components: { schemas: Record<string, unknown> } };
  const help = pipelinesHelp();
  for (const name of PIPELINE_NAMES) {
    const definition = PIPELINES[name];
    expect({ name, bundled: typeof (workflows as Record<string, unknown>)[definition.workflowType] }).toEqual({ name, bundled: 'function' });
    expect(listed.pipelines.map((p) => p.name)).toContain(name);
    expect(doc.components.schemas[paramsSchemaName(name)]).toBeDefined();
    expect(help).toContain(`  ${name} — `);
    for (const kind of definition.inputKinds) expect(SCAN_EXTENSIONS[kind].length).toBeGreaterThan(0);
  }
});

it('gaussian-fit, registered by its definition, runs through the REST API like any job', async () => {
  await stack.storage.put('inputs/registry-astronaut.png', readFileSync(join(IMAGES, 'astronaut.png')), 'image/png');
  const bad = await stack
    .api()
    .post('/v1/jobs')
    .send({ pipeline: 'gaussian-fit', input: { key: 'inputs/registry-astronaut.png' }, params: { sampleInterval: 2 } })
    .expect(400);
  expect(bad.body.errors).toEqual(['property params.sampleInterval should not exist']);
  const created = await stack
    .api()
    .post('/v1/jobs')
    .send({
      pipeline: 'gaussian-fit',
      input: { key: 'inputs/registry-astronaut.png' },
      params: { gaussians: 64, size: 32, iterations: 300, checkpointEvery: 100 },
    })
    .expect(201);
  const job = await waitForJob(
    async () =>
      (await stack.api().get(`/v1/jobs/${created.body.id}`).expect(200)).body as {
        status: string;
        pipeline: string;
        result: GaussianFitResult & { urls: Record<string, string> };
      },
  );
  expect(job).toMatchObject({ status: 'completed', pipeline: 'gaussian-fit' });
  expect(job.result.psnr).toBeGreaterThan(15);
  expect(Object.keys(job.result.urls).sort()).toEqual(['gaussians', 'render', 'summary']);
  // Like every pipeline's jobs, it stays findable past Temporal's retention: its manifest names it.
  const manifest = JSON.parse(await stack.storage.getText(jobFiles(created.body.id as string).manifest)) as { pipeline: string };
  expect(manifest.pipeline).toBe('gaussian-fit');
  const render = await stack.api().get(`/v1/jobs/${created.body.id}/results/render`).buffer(true).expect(200);
  expect(render.headers['content-type']).toContain('image/png');
  expect((render.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
});
