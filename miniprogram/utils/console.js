// 扫码登录工作台: what the console's QR code carries, and how a browser reads to a person.
const PREFIX = 'linli-console:';

// ticketOf is the sign-in ticket in a scanned code, or '' when the code is not the console's.
function ticketOf(text) {
  if (typeof text !== 'string' || text.indexOf(PREFIX) !== 0) {
    return '';
  }
  const id = text.slice(PREFIX.length);
  return /^[A-Za-z0-9_-]{8,64}$/.test(id) ? id : '';
}

// browserName tells a person which browser asked, from its user agent: "Windows · Chrome 浏览器".
function browserName(ua) {
  const s = ua || '';
  let system = '未知系统';
  if (/Windows/.test(s)) system = 'Windows';
  else if (/Mac OS X|Macintosh/.test(s)) system = 'Mac';
  else if (/Linux/.test(s)) system = 'Linux';
  let browser = '浏览器';
  if (/Edg\//.test(s)) browser = 'Edge 浏览器';
  else if (/QQBrowser/.test(s)) browser = 'QQ 浏览器';
  else if (/360SE|360EE/.test(s)) browser = '360 浏览器';
  else if (/Firefox\//.test(s)) browser = 'Firefox 浏览器';
  else if (/Chrome\//.test(s)) browser = 'Chrome 浏览器';
  else if (/Safari\//.test(s)) browser = 'Safari 浏览器';
  return system + ' · ' + browser;
}

// clock shows an RFC 3339 stamp as its Shanghai time of day, 14:05.
function clock(stamp) {
  const m = /T(\d{2}):(\d{2})/.exec(stamp || '');
  return m ? m[1] + ':' + m[2] : '';
}

// Messages for the server's answers a person can meet here.
const problems = {
  ticket_expired: '二维码已过期，请在电脑上刷新后重新扫码',
  already_decided: '这个登录请求已经处理过了',
  not_found: '二维码已失效，请在电脑上刷新后重新扫码',
  forbidden: '只有社区和食堂的工作人员可以登录工作台',
};

function problem(err) {
  return (err && problems[err.code]) || (err && err.message) || '操作没有成功，请稍后再试';
}

module.exports = { ticketOf, browserName, clock, problem };
