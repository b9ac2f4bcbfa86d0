// The inbox: the unread count on the 我的 tab's badge, and opening the page a message points to.
const api = require('./api');

// The tab bar's pages, as app.json lists them (a test keeps the two the same).
const TABS = ['/pages/home/index', '/pages/canteen/index', '/pages/report/index', '/pages/course/index', '/pages/mine/index'];
const MINE_TAB = TABS.indexOf('/pages/mine/index');

// badge shows the unread count on the 我的 tab (99+ beyond), or clears it; it answers the count.
function badge(count) {
  if (count > 0) {
    wx.setTabBarBadge({ index: MINE_TAB, text: count > 99 ? '99+' : String(count), fail: () => {} });
  } else {
    wx.removeTabBarBadge({ index: MINE_TAB, fail: () => {} });
  }
  return count;
}

// refresh reads the unread count and shows it; quietly nothing when not signed in or offline.
async function refresh() {
  try {
    const res = await api.get('/me/messages/unread-count', { silent: true });
    return badge(res.count);
  } catch (e) {
    return 0;
  }
}

// open goes to a message's page: tab pages by switchTab (which takes no query).
function open(page) {
  if (!page) return;
  const path = page.split('?')[0];
  if (TABS.indexOf(path) >= 0) {
    wx.switchTab({ url: path });
  } else {
    wx.navigateTo({ url: page });
  }
}

module.exports = { TABS, badge, refresh, open };
