// Assembles miniprogram_npm/ from node_modules, as WeChat DevTools' "构建 npm" does, so the
// mini-program opens with TDesign without a manual step. Copies each dependency's
// miniprogram_dist (or its main folder) into miniprogram_npm/NAME.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, 'miniprogram_npm');

for (const name of Object.keys(pkg.dependencies || {})) {
  const dir = path.join(root, 'node_modules', name);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const dist = path.join(dir, meta.miniprogram || 'miniprogram_dist');
  if (!fs.existsSync(dist)) {
    throw new Error(name + ': no ' + path.relative(root, dist) + ' to assemble');
  }
  const target = path.join(out, name);
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(dist, target, { recursive: true });
  console.log('assembled miniprogram_npm/' + name);
}
