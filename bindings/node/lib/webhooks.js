'use strict';
// Webhook deliveries: signature check and parsing, in libdc1 (no client, no I/O).
//
//   const { verifyWebhook, parseWebhook } = require('dc1-renter-sdk');
//   if (!verifyWebhook(secret, req.headers['x-dcp-signature'], rawBody)) return res.writeHead(401).end();
//   const event = parseWebhook(rawBody);        // { event, job_id, status, cost_halala?, dedupe_key, raw }
//
// Pass the raw body as received (a Buffer or string), not re-serialised JSON. The secret is
// the one given at registration; for the account webhook it is the renter's API key.
const { load } = require('./native');
const E = require('./errors');

const DC1_E_BAD_SIGNATURE = -20;

function bytes(body) {
  if (Buffer.isBuffer(body) || typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new E.InvalidArgumentError('body must be a Buffer, Uint8Array or string');
}

/** true when the X-DCP-Signature header (hex HMAC-SHA256, with or without "sha256=")
 * matches the body under `secret`; compared in constant time by libdc1. */
function verifyWebhook(secret, signatureHeader, body) {
  if (typeof secret !== 'string' || !secret || typeof signatureHeader !== 'string') {
    throw new E.InvalidArgumentError('verifyWebhook(secret, signatureHeader, body): secret and header required');
  }
  const rc = load().addon.webhookVerify(secret, signatureHeader, bytes(body));
  if (rc === 0) return true;
  if (rc === DC1_E_BAD_SIGNATURE) return false;
  throw E.errorFromDocument({ rc, message: 'dc1_webhook_verify failed' });
}

/** Parses a delivery body (any of the server's three shapes) → { event, job_id, status
 * ("done" becomes "completed"), cost_halala?, dedupe_key, raw }. Dedupe on dedupe_key. */
function parseWebhook(body) {
  const [rc, out, message] = load().addon.webhookParse(bytes(body));
  if (rc !== 0) {
    let doc = { rc, message };
    if (out) { try { doc = JSON.parse(out); } catch { /* keep */ } }
    throw E.errorFromDocument(doc);
  }
  return JSON.parse(out);
}

module.exports = { verifyWebhook, parseWebhook };
