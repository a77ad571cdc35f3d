// Reference for kiosk.tools.verify_port: face-api's own node build (dist/face-api.node-wasm.js)
// on @tensorflow/tfjs, CPU backend. Args: PACKAGE_DIR WORK_DIR (crops.json + raw RGB files in).
const fs = require('fs'); const path = require('path');
const [pkg, dir] = process.argv.slice(2);
(async () => {
  const faceapi = require(path.join(pkg, 'dist/face-api.node-wasm.js'));
  const tf = faceapi.tf;
  await tf.setBackend('cpu'); await tf.ready();
  const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'model/face_expression_model-weights_manifest.json')));
  const bin = fs.readFileSync(path.join(pkg, 'model/face_expression_model.bin'));
  const ab = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  faceapi.nets.faceExpressionNet.loadFromWeightMap(tf.io.decodeWeights(ab, manifest[0].weights));
  const crops = JSON.parse(fs.readFileSync(path.join(dir, 'crops.json')));
  const probs = [];
  for (const c of crops) {
    const t = tf.tensor3d(new Uint8Array(fs.readFileSync(path.join(dir, c.file))), [c.h, c.w, 3], 'int32');
    const r = await faceapi.nets.faceExpressionNet.predictExpressions(t); probs.push(['neutral','happy','sad','angry','fearful','disgusted','surprised'].map((k) => r[k]));
    t.dispose();
  }
  fs.writeFileSync(path.join(dir, 'probs.json'), JSON.stringify({backend: tf.getBackend(), tfjs: tf.version.tfjs, faceapi: faceapi.version, probs}));
  console.log('ok', tf.getBackend(), probs.length);
})().catch((e) => { console.error(e); process.exit(1); });
