'use strict';
// Plain objects with the official SDK's field names, built from the core's documents.
// Each keeps the document it came from in `raw`.

function num(v, dflt = null) {
  if (v === null || v === undefined || v === '') return dflt;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : dflt;
}

/** Sets a property that console.log and JSON.stringify leave out (raw documents, images, keys). */
function hidden(obj, key, value) {
  Object.defineProperty(obj, key, { value, enumerable: false, writable: true, configurable: true });
  return obj;
}

/** A Job from a job document (getJob, history rows, the `job` of a submit answer) and, for a
 * completed job, its output document (dc1_job_output). */
function toJob(doc, output = null) {
  doc = doc || {};
  const status = String(doc.status || 'unknown');
  // libdc1's one meaning of cost: cost_* is what the renter is charged (settled once the job is
  // terminal, the held quote before); quoted_cost_* is always the quote.
  const costHalala = num(doc.cost_halala, 0);
  const quoted = num(doc.quoted_cost_halala, costHalala);
  const actual = num(doc.actual_cost_halala);
  const job = {
    id: String(doc.job_id ?? doc.id ?? ''),
    rowId: typeof doc.id === 'number' ? doc.id : null,
    status,
    jobType: doc.job_type || '',
    providerId: num(doc.provider_id),
    durationMinutes: num(doc.duration_minutes, 0),
    costHalala,
    costSar: num(doc.cost_sar, costHalala / 100),
    quotedCostHalala: quoted,
    quotedCostSar: num(doc.quoted_cost_sar, quoted / 100),
    actualCostHalala: actual,
    actualCostSar: actual === null ? null : actual / 100,
    submittedAt: doc.submitted_at || doc.created_at || '',
    startedAt: doc.started_at ?? null,
    completedAt: doc.completed_at ?? null,
    providerName: doc.provider_name ?? null,
    model: doc.model ?? null,
    // Both from the core, for every language: the document's terminal and execution_time_sec.
    isDone: doc.terminal === true,
    outcome: doc.outcome ?? null,
    result: null,
    resultType: null,
    text: null,
    error: doc.error ?? doc.last_error ?? null,
    executionTimeSec: num(doc.execution_time_sec),
    endpointUrl: doc.endpoint_url ?? null,
  };
  hidden(job, 'raw', doc);
  hidden(job, 'output', output || null);
  if (output) {
    const result = { ...output };
    if (result.output === undefined) {
      for (const k of ['text', 'response', 'stdout']) {
        if (typeof output[k] === 'string') { result.output = output[k]; break; }
      }
    }
    job.result = result;
    job.resultType = output.kind || 'raw';
    if (typeof result.output === 'string') job.text = result.output;
    if (output.kind === 'endpoint' && output.endpoint_url) {
      // a serving vllm_serve job: the core built this from the job document
      job.endpointUrl = output.endpoint_url;
      if (result.base_url === undefined) result.base_url = output.openai_base_url;
    }
    if (job.actualCostHalala === null && output.actual_cost_halala != null) {
      job.actualCostHalala = num(output.actual_cost_halala);
      job.actualCostSar = job.actualCostHalala / 100;
    }
  }
  return job;
}

function toProvider(d) {
  const vramMib = num(d.vram_mib, 0);
  let vramGb = num(d.vram_gb);
  if (vramGb === null) vramGb = Math.round((vramMib / 1024) * 10) / 10;
  return hidden({
    id: num(d.id, 0),
    name: d.name || '',
    gpuModel: d.gpu_model || '',
    vramMib,
    vramGb,
    status: d.status || 'offline',
    reliabilityScore: num(d.reliability_score, 0),
    isLive: Boolean(d.is_live),
    gpuCount: num(d.gpu_count, 1),
    location: d.location ?? null,
    cachedModels: Array.isArray(d.cached_models) ? d.cached_models : [],
  }, 'raw', d);
}

function toBalance(d) {
  const balanceHalala = num(d.balance_halala, 0);
  const heldHalala = num(d.held_halala, 0);
  const availableHalala = num(d.available_halala, balanceHalala);
  const totalSpentHalala = num(d.total_spent_halala, 0);
  return hidden({
    balanceHalala,
    balanceSar: num(d.balance_sar, balanceHalala / 100),
    heldHalala,
    heldSar: num(d.held_sar, heldHalala / 100),
    availableHalala,
    availableSar: availableHalala / 100,
    totalSpentHalala,
    totalSpentSar: num(d.total_spent_sar, totalSpentHalala / 100),
    totalJobs: num(d.total_jobs, 0),
  }, 'raw', d);
}

function toWallet(d, apiKey) {
  const renter = d && typeof d.renter === 'object' && d.renter ? d.renter : (d || {});
  const balanceHalala = num(renter.balance_halala, 0);
  const w = {
    balanceHalala,
    balanceSar: balanceHalala / 100,
    name: renter.name || '',
    email: renter.email || '',
    renterId: num(renter.id),
    organization: renter.organization ?? null,
    totalSpentHalala: num(renter.total_spent_halala, 0),
    totalJobs: num(renter.total_jobs, 0),
    recentJobs: Array.isArray(d && d.recent_jobs) ? d.recent_jobs : [],
  };
  hidden(w, 'apiKey', apiKey || ''); // the official field; kept out of logs
  return hidden(w, 'raw', d);
}

function toLog(l) {
  return hidden({
    lineNo: num(l.line_no, 0),
    level: l.level || 'info',
    message: l.message ?? l.line ?? '',
    loggedAt: l.logged_at || '',
  }, 'raw', l);
}

function toHistory(d) {
  const jobs = (Array.isArray(d.jobs) ? d.jobs : []).map((j) => hidden({
    jobId: j.job_id || '',
    jobType: j.job_type || '',
    status: j.status || '',
    submittedAt: j.submitted_at || '',
    completedAt: j.completed_at ?? null,
    costHalala: num(j.cost_halala, 0),
    costSar: num(j.cost_sar, num(j.cost_halala, 0) / 100),
    providerName: j.provider_name ?? null,
    providerGpu: j.provider_gpu ?? null,
    refunded: Boolean(j.refunded),
  }, 'raw', j));
  return hidden({
    balanceHalala: num(d.balance_halala, 0),
    balanceSar: num(d.balance_sar, num(d.balance_halala, 0) / 100),
    totalJobs: num(d.total_jobs, jobs.length),
    jobs,
  }, 'raw', d);
}

module.exports = { hidden, toJob, toProvider, toBalance, toWallet, toLog, toHistory };
