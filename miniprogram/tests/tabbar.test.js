// The tab bar shows an icon with each tab's text: PNGs of 81 × 81 (WeChat's size), drawn by
// scripts/tab-icons.js, grey and blue as the tab bar's colours.
const fs = require('fs');
const path = require('path');
const { SIZE, icons } = require('../scripts/tab-icons');

const root = path.join(__dirname, '..');
const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));

test('every tab has its text, an icon and a chosen icon, committed as the script draws them', () => {
  const drawn = icons();
  const used = [];
  app.tabBar.list.forEach((tab) => {
    expect(tab.text).toBeTruthy();
    [tab.iconPath, tab.selectedIconPath].forEach((file) => {
      expect(file).toMatch(/^images\/tab\/[a-z-]+\.png$/);
      const bytes = fs.readFileSync(path.join(root, file));
      expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([SIZE, SIZE]);
      expect(bytes.length).toBeLessThan(40 * 1024); // WeChat's limit for a tab icon
      expect(bytes.equals(drawn[path.basename(file)])).toBe(true);
      used.push(path.basename(file));
    });
  });
  expect(used.sort()).toEqual(Object.keys(drawn).sort());
});
