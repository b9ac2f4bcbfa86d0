// The rendering check (tests/render/): pages with TDesign's real components, whose code is ES
// modules (WeChat compiles them; here babel does) and finds its own dependencies (dayjs, tslib)
// in miniprogram_npm/ as WeChat does. `npm run test:render`; needs `npm run npm:assemble` and
// Chromium (scripts/browser.sh).
module.exports = {
  testEnvironment: 'jsdom',
  setupFiles: ['<rootDir>/tests/setup.js', '<rootDir>/tests/render/setup.js'],
  moduleDirectories: ['node_modules', 'miniprogram_npm'],
  testMatch: ['<rootDir>/tests/render/**/*.test.js'],
  transform: {
    'miniprogram_npm/.+\\.js$': ['babel-jest', { babelrc: false, configFile: false, plugins: ['@babel/plugin-transform-modules-commonjs'] }],
  },
};
