// The guide's JavaScript quickstart with dc1-renter-sdk: balance → a live GPU → an LLM job →
// wait → output → cost.
//
//   export DC1_API_KEY=dcp-renter-…          # your renter key
//   export DC1_BASE_URL=https://api.dcp.sa   # optional
//   node examples/node/quickstart.js
//
// (In this repository node_modules/dc1-renter-sdk links to bindings/node; elsewhere:
// `npm install /path/to/libdc1/bindings/node`.)
const { DC1RenterClient, DC1Error } = require('dc1-renter-sdk');

async function main() {
  const client = new DC1RenterClient(); // DC1_API_KEY, DC1_BASE_URL
  try {
    // 1. Check balance
    const balance = await client.getBalance();
    console.log(`Balance: ${balance.balanceSar.toFixed(2)} SAR`);

    // 2. Find a live GPU
    const [provider] = await client.listProviders({ live: true });
    if (provider) console.log(`Using: ${provider.name} (${provider.gpuModel})`);
    else console.log('No live provider right now; the job waits for the next one.');

    // 3. Submit the job (priority is a number, as in the official SDK)
    const job = await client.submitJob({
      providerId: provider ? provider.id : undefined,
      jobType: 'llm_inference',
      params: {
        model: 'TinyLlama/TinyLlama-1.1B-Chat-v1.0',
        prompt: 'What is the capital of Saudi Arabia?',
        max_tokens: 128,
        temperature: 0.5,
      },
      durationMinutes: 5,
      priority: 2,
    });
    console.log(`Job submitted: ${job.id} (quoted: ${job.quotedCostHalala} halala, held until it ends)`);

    // 4. Wait for it: libdc1 follows the job's status stream (or polls), off the event loop
    const result = await client.waitForJob(job.id, {
      timeout: 600_000,
      onProgress: (status) => console.log(`  status: ${status}`),
    });

    // 5. The result
    if (result.status !== 'completed') {
      console.error(`Job ${result.status}: ${result.error ?? 'no reason given'}`);
      return 1;
    }
    console.log('\nResponse:', result.result?.output);
    console.log(`Cost: ${result.costSar} SAR charged (quoted ${result.quotedCostSar} SAR)`);
    return 0;
  } finally {
    client.close();
  }
}

main().then((code) => { process.exitCode = code; }, (err) => {
  if (err instanceof DC1Error) console.error(`${err.name}: ${err.message}${err.requestId ? ` (request ${err.requestId})` : ''}`);
  else console.error(err);
  process.exitCode = 1;
});
