// The API client: base URL from config.js, the session token attached, one silent re-login and
// retry on 401, the server's Chinese message shown on errors, and an optional loading state.
const config = require('../config');

const NETWORK_MESSAGE = '网络不太好，请稍后再试';

class ApiError extends Error {
  // detail is the whole error object of the envelope (person_exists carries person_id in it).
  constructor(status, code, message, fields, detail) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
    this.detail = detail || {};
  }
}

let tokenProvider = null;

// setSession wires the session module in (it depends on this one for the login call).
function setSession(provider) {
  tokenProvider = provider;
}

function uuid() {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = Math.floor(Math.random() * 16);
    return (c === 'x' ? r : (r % 4) + 8).toString(16);
  });
}

function send(method, path, data, headers) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.baseURL + path,
      method,
      data,
      header: Object.assign({ 'Content-Type': 'application/json' }, headers),
      timeout: config.timeout,
      success: (res) => resolve(res),
      fail: () => reject(new ApiError(0, 'network', NETWORK_MESSAGE)),
    });
  });
}

function toError(res) {
  const body = res.data && res.data.error;
  if (body && body.code) {
    return new ApiError(res.statusCode, body.code, body.message, body.fields, body);
  }
  return new ApiError(res.statusCode, 'unknown', '服务暂时不可用，请稍后再试');
}

// request calls the API. opts: auth (default true), loading (a title, or true), silent (no toast).
async function request(method, path, data, opts = {}) {
  const auth = opts.auth !== false;
  const headers = {};
  if (method === 'POST') {
    // The same key on the retry below: the server answers a repeat with the first response.
    headers['Idempotency-Key'] = uuid();
  }
  if (opts.loading) {
    wx.showLoading({ title: opts.loading === true ? '加载中' : opts.loading, mask: true });
  }
  try {
    let res;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (auth) {
        const token = await tokenProvider.token(attempt > 0);
        headers.Authorization = 'Bearer ' + token;
      }
      res = await send(method, path, data, headers);
      if (!(auth && res.statusCode === 401)) {
        break;
      }
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      return res.data;
    }
    throw toError(res);
  } catch (err) {
    const e = err instanceof ApiError ? err : new ApiError(0, 'network', NETWORK_MESSAGE);
    if (!opts.silent) {
      wx.showToast({ title: e.message, icon: 'none', duration: 2500 });
    }
    throw e;
  } finally {
    if (opts.loading) {
      wx.hideLoading();
    }
  }
}

// upload sends one image file (wx.uploadFile, multipart field "file") and resolves {id, url}.
// It signs in again once on 401, like request.
async function upload(filePath, opts = {}) {
  const key = uuid();
  const attempt = async (fresh) => {
    const token = await tokenProvider.token(fresh);
    return new Promise((resolve, reject) => {
      wx.uploadFile({
        url: config.baseURL + '/uploads',
        filePath,
        name: 'file',
        header: { Authorization: 'Bearer ' + token, 'Idempotency-Key': key },
        timeout: config.timeout * 4,
        success: (res) => resolve(res),
        fail: () => reject(new ApiError(0, 'network', NETWORK_MESSAGE)),
      });
    });
  };
  try {
    let res = await attempt(false);
    if (res.statusCode === 401) {
      res = await attempt(true);
    }
    const data = typeof res.data === 'string' ? JSON.parse(res.data || '{}') : res.data;
    if (res.statusCode >= 200 && res.statusCode < 300) {
      return data;
    }
    throw toError({ statusCode: res.statusCode, data });
  } catch (err) {
    const e = err instanceof ApiError ? err : new ApiError(0, 'network', NETWORK_MESSAGE);
    if (!opts.silent) {
      wx.showToast({ title: e.message, icon: 'none', duration: 2500 });
    }
    throw e;
  }
}

module.exports = {
  ApiError,
  upload,
  setSession,
  request,
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, data, opts) => request('POST', path, data || {}, opts),
  put: (path, data, opts) => request('PUT', path, data, opts),
  patch: (path, data, opts) => request('PATCH', path, data, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
};
