module.exports = {
  testEnvironment: 'jsdom',
  setupFiles: ['<rootDir>/tests/setup.js'],
  testMatch: ['<rootDir>/tests/**/*.test.js'],
  // The rendering check needs Chromium and TDesign's own code: jest.render.config.js.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/render/'],
  modulePathIgnorePatterns: ['<rootDir>/miniprogram_npm/'],
};
