// Image generation with dc1-renter-sdk: Stable Diffusion on a DC1 GPU, saved as a PNG.
//
//   DC1_API_KEY=… node examples/node/image.js [PATH]     (default demo-output/output.png; git ignores it)
const fs = require('fs');
const { DC1RenterClient, DC1Error } = require('dc1-renter-sdk');

async function main(path) {
  const client = new DC1RenterClient(); // DC1_API_KEY, DC1_BASE_URL
  try {
    // A GPU with at least 16 GB (none: let DC1 route the job).
    const [provider] = await client.listProviders({ live: true, minVramGb: 16 });
    const job = await client.submitJob({
      providerId: provider ? provider.id : undefined,
      jobType: 'image_generation',
      params: {
        prompt: 'A camel caravan at sunset over the Empty Quarter, oil painting style',
        model: 'stabilityai/stable-diffusion-xl-base-1.0',
        steps: 30,
        width: 1024,
        height: 1024,
      },
      durationMinutes: 10,
    });
    console.log(`Job submitted: ${job.id}`);

    const done = await client.waitForJob(job.id, { timeout: 900_000 });
    if (done.status !== 'completed') {
      console.error(`Job ${done.status}: ${done.error ?? 'no reason given'}`);
      return 1;
    }
    // libdc1 decodes the base64 PNG and writes it atomically (temporary file, then rename).
    const info = await client.saveImage(job.id, path);
    console.log(`Saved ${info.path} (${info.width}x${info.height}, ${info.bytes} bytes)`);
    if (info.truncated) console.error('warning: the server flagged the image as truncated');
    return 0;
  } finally {
    client.close();
  }
}

function defaultPath() {
  fs.mkdirSync('demo-output', { recursive: true });
  return 'demo-output/output.png';
}

main(process.argv[2] || defaultPath()).then((code) => { process.exitCode = code; }, (err) => {
  if (err instanceof DC1Error) console.error(`${err.name}: ${err.message}`);
  else console.error(err);
  process.exitCode = 1;
});
