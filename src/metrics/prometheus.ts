import https from 'node:https';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { Duration } from '../api/duration.ts';
import { MetricsError, safeAddress } from './metrics-error.ts';
import { metricValue, noData, type MetricResult, type MetricsProvider, type QueryOptions } from './provider.ts';

/** How to reach one Prometheus; credentials come already resolved from the provider's Secret. */
export interface PrometheusOptions {
  address: string;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  headers?: Record<string, string>;
  insecureSkipVerify?: boolean;
  /** Per-query timeout; 5 s unless stated. */
  timeoutMilliseconds?: number;
}

const DEFAULT_TIMEOUT_MILLISECONDS = 5000;

/** Query options; `time` pins the evaluation instant so several queries see the same samples. */
export type PrometheusQueryOptions = QueryOptions;

type Sample = [number, string];
interface QueryData {
  resultType: 'vector' | 'scalar' | 'matrix' | 'string';
  result: unknown;
}
interface QueryBody {
  status?: 'success' | 'error';
  data?: QueryData;
  errorType?: string;
  error?: string;
}

/** Runs PromQL instant queries (`/api/v1/query`) and reduces each answer to one number or no data. */
export class PrometheusProvider implements MetricsProvider {
  readonly type = 'prometheus';
  readonly address: string;
  private readonly http: AxiosInstance;
  private readonly timeout: Duration;

  constructor(options: PrometheusOptions) {
    this.address = safeAddress(options.address);
    this.timeout = Duration.fromMilliseconds(options.timeoutMilliseconds ?? DEFAULT_TIMEOUT_MILLISECONDS);
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.bearerToken) headers.Authorization = `Bearer ${options.bearerToken}`;
    this.http = axios.create({
      baseURL: options.address.replace(/\/+$/, ''),
      timeout: this.timeout.milliseconds,
      headers,
      auth: options.basicAuth,
      httpsAgent: options.insecureSkipVerify ? new https.Agent({ rejectUnauthorized: false }) : undefined,
      // Every status is read here: Prometheus explains 400/422/503 answers in the JSON body.
      validateStatus: () => true,
      responseType: 'json',
      // Reports a timeout as ETIMEDOUT, distinct from a refused connection.
      transitional: { clarifyTimeoutError: true },
    });
  }

  /** Evaluates `query` now (or at `options.time`); see MetricResult for how each answer shape is read. */
  async query(query: string, options: PrometheusQueryOptions = {}): Promise<MetricResult> {
    const body = await this.send(query, options);
    return this.reduce(query, body);
  }

  /** Evaluates `query` and returns every series of a vector answer with its labels (no reduction). */
  async queryVector(query: string, options: PrometheusQueryOptions = {}): Promise<Array<{ labels: Record<string, string>; value: number }>> {
    const body = await this.send(query, options);
    const data = body.data as QueryData;
    if (data.resultType === 'matrix') throw this.rangeError(query);
    if (data.resultType === 'scalar') return [{ labels: {}, value: sampleValue((data.result as Sample)[1]) }];
    if (data.resultType !== 'vector') throw new MetricsError('QueryFailed', `Prometheus ${this.address} returned a ${data.resultType}, not a vector, for ${query}`);
    return (data.result as Array<{ metric: Record<string, string>; value: Sample }>).map((series) => ({
      labels: series.metric,
      value: sampleValue(series.value[1]),
    }));
  }

  private async send(query: string, options: PrometheusQueryOptions): Promise<QueryBody> {
    let response;
    const params = options.time ? { query, time: options.time.getTime() / 1000 } : { query };
    try {
      response = await this.http.get<QueryBody>('/api/v1/query', { params, signal: options.signal });
    } catch (err) {
      throw this.transportError(err);
    }
    if (response.status === 401 || response.status === 403) {
      throw new MetricsError('Unauthorized', `Prometheus ${this.address} refused the credentials (HTTP ${response.status}): check the provider's secretRef`);
    }
    const body = typeof response.data === 'object' && response.data !== null ? response.data : undefined;
    if (body?.status === 'error') {
      throw new MetricsError('QueryFailed', `Prometheus ${this.address} rejected the query (${body.errorType ?? `HTTP ${response.status}`}): ${body.error ?? 'no message'}`);
    }
    if (response.status !== 200 || body?.status !== 'success' || !body.data) {
      throw new MetricsError('QueryFailed', `Prometheus ${this.address} answered HTTP ${response.status} without a query result: is the address a Prometheus API?`);
    }
    return body;
  }

  private reduce(query: string, body: QueryBody): MetricResult {
    const data = body.data as QueryData;
    switch (data.resultType) {
      case 'scalar':
        return sampleResult((data.result as Sample)[1]);
      case 'vector': {
        const series = data.result as Array<{ value: Sample }>;
        if (series.length === 0) return noData('the query returned no series');
        if (series.length > 1) {
          throw new MetricsError('MultipleSeries', `Prometheus ${this.address} returned ${series.length} series for a metric check; aggregate the query to one series (e.g. sum(...)): ${query}`);
        }
        return sampleResult(series[0].value[1]);
      }
      case 'matrix':
        throw this.rangeError(query);
      default:
        throw new MetricsError('QueryFailed', `Prometheus ${this.address} returned a ${data.resultType}, not a number, for ${query}`);
    }
  }

  private rangeError(query: string): MetricsError {
    return new MetricsError('RangeResultNotSupported', `Prometheus ${this.address} returned a range vector; a metric check needs an instant value (wrap it in a function such as rate() or sum_over_time()): ${query}`);
  }

  private transportError(err: unknown): MetricsError {
    if (err instanceof MetricsError) return err;
    const code = err instanceof AxiosError ? err.code : undefined;
    if (code === 'ERR_CANCELED') return new MetricsError('ProviderUnreachable', `query to Prometheus ${this.address} was cancelled`);
    const what = code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? `timed out after ${this.timeout.text}` : `is unreachable (${code ?? (err instanceof Error ? err.message : String(err))})`;
    // The cause is dropped on purpose: axios errors carry the request config, headers and credentials included.
    return new MetricsError('ProviderUnreachable', `Prometheus ${this.address} ${what}`);
  }
}

/** Prometheus writes infinities as "+Inf"/"-Inf", which Number() would read as NaN. */
function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function sampleResult(text: string): MetricResult {
  const value = sampleValue(text);
  if (Number.isNaN(value)) return noData('the query returned NaN (no requests in the window?)');
  if (!Number.isFinite(value)) return noData(`the query returned ${text}`);
  return metricValue(value);
}
