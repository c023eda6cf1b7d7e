/**
 * Traffic Access: the mesh denies by default, so a caller whose ServiceAccount no TrafficTarget names
 * gets 403 from the data plane; a TrafficTarget naming it lets it through; deleting it denies again.
 */
import { request as httpRequest } from 'node:http';
import { SOURCE_HEADER } from '../sandbox/dataplane/smi-data-plane.ts';
import { VERSION_HEADER } from '../sandbox/sample-app/sample-app.ts';
import { PLAYGROUND_NAMESPACE } from './playground-world.ts';
import { ensureApp } from './rollout-scenario.ts';
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario.ts';
import { PODINFO_ANALYSIS, PODINFO_V1 } from './releases.ts';

/** The unlisted caller. */
export const CURL_SERVICE_ACCOUNT = 'curl';
const TARGET = 'curl-to-podinfo';
const PROBES = 5;
const PROPAGATION_TIMEOUT_MS = 5000;

/** One probe request's answer. */
export interface ProbeAnswer {
  status: number;
  version: string;
  body: string;
}

/** One GET to the apex as a ServiceAccount. */
export function probe(url: string, serviceAccount: string): Promise<ProbeAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { [SOURCE_HEADER]: `${PLAYGROUND_NAMESPACE}/${serviceAccount}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, version: String(res.headers[VERSION_HEADER] ?? ''), body: body.trim() }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function probes(url: string, count: number): Promise<ProbeAnswer[]> {
  const answers: ProbeAnswer[] = [];
  for (let i = 0; i < count; i++) answers.push(await probe(url, CURL_SERVICE_ACCOUNT));
  return answers;
}

// A TrafficTarget reaches the data plane through a watch: poll until the answer changes, briefly.
async function untilStatus(url: string, wanted: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < PROPAGATION_TIMEOUT_MS) {
    if ((await probe(url, CURL_SERVICE_ACCOUNT)).status === wanted) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`requests from ${CURL_SERVICE_ACCOUNT} still not answered ${wanted} after ${PROPAGATION_TIMEOUT_MS / 1000}s`);
}

const statuses = (answers: ProbeAnswer[]) => answers.map((a) => a.status).join(' ');

/** The Traffic Access scenario. */
export function accessScenario(): Scenario {
  return {
    name: 'traffic-access',
    title: 'deny by default: 403 until a TrafficTarget allows the caller (Traffic Access)',
    run: (context) => runAccess(context),
  };
}

async function runAccess(context: ScenarioContext): Promise<ScenarioResult> {
  const { world, out } = context;
  await ensureApp(context, 'podinfo', PODINFO_V1, PODINFO_ANALYSIS);
  const apex = await world.apex('podinfo');
  const startedAt = Date.now();
  const problems: string[] = [];
  const notes: string[] = [];
  const stages: NonNullable<ScenarioResult['probes']> = [];
  const stage = (name: 'before' | 'allowed' | 'after', answers: ProbeAnswer[]) => stages.push({ stage: name, statuses: answers.map((a) => a.status) });
  const expectAll = (answers: ProbeAnswer[], status: number, when: string) => {
    if (answers.some((a) => a.status !== status)) problems.push(`${when}: expected ${status} for every request, got ${statuses(answers)}`);
  };
  try {
    out.line(`  GET / as ServiceAccount ${PLAYGROUND_NAMESPACE}/${CURL_SERVICE_ACCOUNT} (no TrafficTarget names it)`);
    const before = await probes(apex.url, PROBES);
    out.line(`    → ${statuses(before)}  "${before[0]?.body ?? ''}"`);
    stage('before', before);
    expectAll(before, 403, 'before the TrafficTarget');

    out.line(`  kubectl apply TrafficTarget ${TARGET}: ${CURL_SERVICE_ACCOUNT} → podinfo (HTTPRouteGroup podinfo-api, GET /.*)`);
    await world.allow(TARGET, CURL_SERVICE_ACCOUNT);
    const allowedAfterMs = await untilStatus(apex.url, 200);
    const allowed = await probes(apex.url, PROBES);
    out.line(`    → ${statuses(allowed)}  (allowed ${allowedAfterMs} ms after the TrafficTarget was created; answered by ${[...new Set(allowed.map((a) => a.version))].join(', ')})`);
    stage('allowed', allowed);
    expectAll(allowed, 200, 'with the TrafficTarget');

    out.line(`  kubectl delete TrafficTarget ${TARGET}`);
    await world.disallow(TARGET);
    await untilStatus(apex.url, 403);
    const after = await probes(apex.url, PROBES);
    out.line(`    → ${statuses(after)}  (denied again)`);
    stage('after', after);
    expectAll(after, 403, 'after deleting the TrafficTarget');
    notes.push(`${CURL_SERVICE_ACCOUNT}: ${statuses(before)} → TrafficTarget → ${statuses(allowed)} → deleted → ${statuses(after)}`);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  return {
    name: 'traffic-access',
    title: accessScenario().title,
    ok: problems.length === 0,
    problems,
    startedAt,
    durationMs: Date.now() - startedAt,
    weights: [],
    weightSamples: [],
    splitStates: {},
    phases: [],
    phaseTimes: {},
    users: [],
    byVersion: {},
    userErrors: 0,
    slack: [],
    probes: stages,
    notes,
  };
}
