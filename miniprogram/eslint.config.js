const js = require('@eslint/js');
const globals = require('globals');
const wxml = require('eslint-plugin-wxml');
const wxmlParser = require('@wxml/parser');

const miniprogram = { wx: 'readonly', App: 'readonly', Page: 'readonly', Component: 'readonly', Behavior: 'readonly', getApp: 'readonly', getCurrentPages: 'readonly' };

module.exports = [
  { ignores: ['node_modules/**', 'miniprogram_npm/**', 'coverage/**'] },
  {
    files: ['**/*.js'],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'commonjs',
      globals: { ...globals.node, ...miniprogram },
    },
    rules: {
      ...js.configs.recommended.rules,
      'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none' }],
      eqeqeq: 'error',
      'prefer-const': 'error',
    },
  },
  {
    files: ['tests/**/*.js'],
    languageOptions: { globals: { ...globals.jest, ...globals.browser } },
  },
  {
    files: ['**/*.wxml'],
    plugins: { wxml },
    languageOptions: { parser: wxmlParser },
    rules: {
      'wxml/report-wxml-syntax-error': 'error',
      'wxml/report-interpolation-error': 'error',
      'wxml/no-duplicate-attributes': 'error',
      'wxml/wx-key': 'error',
      'wxml/no-wx-for-with-wx-if': 'error',
      'wxml/no-inline-wxs': 'error',
      'wxml/quotes': ['error', 'double'],
      'wxml/colon-style-event-binding': 'off',
      'wxml/no-unexpected-string-bool': 'error',
      'wxml/max-depth': ['error', 8],
    },
  },
];
