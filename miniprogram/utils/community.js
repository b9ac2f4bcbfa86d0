// The community a page that can be browsed before sign-up shows: the user's own, else the one
// picked from the list (the first at start). The page keeps communities and communityIndex in
// its data for its picker.
const api = require('./api');
const session = require('./session');

async function browsed(page) {
  const u = session.user();
  if (u && u.community_id) {
    return u.community_id;
  }
  const res = await api.get('/communities?limit=100', { auth: false, silent: true });
  const index = page.data.communityIndex >= 0 ? page.data.communityIndex : 0;
  page.setData({ communities: res.items, communityIndex: res.items.length ? index : -1 });
  return res.items.length ? res.items[index].id : 0;
}

module.exports = { browsed };
