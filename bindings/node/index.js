'use strict';
// dc1-renter-sdk on libdc1: the official JavaScript SDK's surface, one client core.
//
//   const { DC1RenterClient } = require('dc1-renter-sdk');
//   const client = new DC1RenterClient();   // DC1_API_KEY and DC1_BASE_URL, read by libdc1
//   const [provider] = await client.listProviders();
//   const job = await client.submitJob({ providerId: provider.id, jobType: 'llm_inference',
//                                        params: { prompt: 'Hello' }, durationMinutes: 2 });
//   const result = await client.waitForJob(job.id);
//   console.log(result.result?.output, `${result.costSar} SAR`);
const errors = require('./lib/errors');
const { DC1RenterClient, DC1Client, VERSION, camelKeys } = require('./lib/client');
const { verifyWebhook, parseWebhook } = require('./lib/webhooks');
const native = require('./lib/native');
const { defaultConfig: defaultCoreConfig } = require('./lib/core');

/** The libdc1 in use (loads it): { path, version }. */
function libraryInfo() {
  return { ...native.load().info };
}

/** The core's built-in client settings, before the environment and any options (loads the
 * library; dc1_client_config with no client): { baseUrl, timeoutMs, maxRetries, … }.
 * client.config is what a client settled on. */
function defaultConfig() {
  return camelKeys(defaultCoreConfig());
}

module.exports = {
  DC1RenterClient,
  DC1Client,
  VERSION,
  verifyWebhook,
  parseWebhook,
  libraryInfo,
  defaultConfig,
  DC1Error: errors.DC1Error,
  APIError: errors.APIError,
  AuthError: errors.AuthError,
  NotFoundError: errors.NotFoundError,
  InsufficientBalanceError: errors.InsufficientBalanceError,
  RateLimitError: errors.RateLimitError,
  QuotaExceededError: errors.QuotaExceededError,
  ValidationError: errors.ValidationError,
  ServerError: errors.ServerError,
  ProtocolError: errors.ProtocolError,
  HTTPError: errors.HTTPError,
  NetworkError: errors.NetworkError,
  RequestTimeoutError: errors.RequestTimeoutError,
  JobFailedError: errors.JobFailedError,
  JobCancelledError: errors.JobCancelledError,
  NotReadyError: errors.NotReadyError,
  SubmitUnknownError: errors.SubmitUnknownError,
  JobTimeoutError: errors.JobTimeoutError,
  InterruptedCallError: errors.InterruptedCallError,
  AbortError: errors.AbortError,
  InvalidArgumentError: errors.InvalidArgumentError,
  FileWriteError: errors.FileWriteError,
  BadSignatureError: errors.BadSignatureError,
  BusyError: errors.BusyError,
  ClientClosedError: errors.ClientClosedError,
  LibraryError: errors.LibraryError,
};
module.exports.default = module.exports;
