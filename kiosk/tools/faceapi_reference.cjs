// Reference for kiosk.tools.verify_port: face-api's own node build (dist/face-api.node-wasm.js)
// on @tensorflow/tfjs, CPU backend. Args: PACKAGE_DIR WORK_DIR [expression|recognition]
// (crops.json + raw RGB files in WORK_DIR; writes probs.json or descriptors.json there).
const fs = require('fs'); const path = require('path');
const [pkg, dir, which = 'expression'] = process.argv.slice(2);
(async () => {
  const faceapi = require(path.join(pkg, 'dist/face-api.node-wasm.js'));
  const tf = faceapi.tf;
  await tf.setBackend('cpu'); await tf.ready();
  const model = which === 'recognition' ? 'face_recognition_model' : 'face_expression_model';
  const net = which === 'recognition' ? faceapi.nets.faceRecognitionNet : faceapi.nets.faceExpressionNet;
  const manifest = JSON.parse(fs.readFileSync(path.join(pkg, `model/${model}-weights_manifest.json`)));
  const bin = fs.readFileSync(path.join(pkg, `model/${model}.bin`));
  const ab = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  net.loadFromWeightMap(tf.io.decodeWeights(ab, manifest[0].weights));
  const crops = JSON.parse(fs.readFileSync(path.join(dir, 'crops.json')));
  const out = [];
  for (const c of crops) {
    const t = tf.tensor3d(new Uint8Array(fs.readFileSync(path.join(dir, c.file))), [c.h, c.w, 3], 'int32');
    if (which === 'recognition') {
      out.push(Array.from(await net.computeFaceDescriptor(t)));
    } else {
      const r = await net.predictExpressions(t); out.push(['neutral','happy','sad','angry','fearful','disgusted','surprised'].map((k) => r[k]));
    }
    t.dispose();
  }
  const key = which === 'recognition' ? 'descriptors' : 'probs';
  fs.writeFileSync(path.join(dir, `${key}.json`), JSON.stringify({backend: tf.getBackend(), tfjs: tf.version.tfjs, faceapi: faceapi.version, [key]: out}));
  console.log('ok', tf.getBackend(), out.length);
})().catch((e) => { console.error(e); process.exit(1); });
