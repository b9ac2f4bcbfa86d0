// One-time subscribe consents: asked right before an action whose outcome the user will want
// to hear of, counted by the server, and never in the way (a refusal or a failure changes
// nothing).
const api = require('./api');

let templates = null;

async function templateIDs(keys) {
  if (!templates) {
    const res = await api.get('/app-config', { auth: false, silent: true });
    templates = res.subscribe_templates || {};
  }
  return keys.map((k) => templates[k]).filter(Boolean).slice(0, 3);
}

// ask asks consent for the templates of keys and tells the server which were accepted.
async function ask(keys) {
  try {
    const ids = await templateIDs(keys);
    if (!ids.length) return [];
    const res = await new Promise((resolve) => {
      wx.requestSubscribeMessage({ tmplIds: ids, success: resolve, fail: () => resolve({}) });
    });
    const accepted = ids.filter((id) => res[id] === 'accept');
    if (accepted.length) {
      await api.post('/me/subscriptions', { template_ids: accepted }, { silent: true });
    }
    return accepted;
  } catch (e) {
    return [];
  }
}

function reset() {
  templates = null;
}

module.exports = { ask, reset };
