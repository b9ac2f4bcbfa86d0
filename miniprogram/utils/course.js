// Words and states the parent-university (家长大学) pages show.
const words = require('./canteen');

const STATUSES = { enrolled: '已报名', waitlisted: '候补中', cancelled: '已取消' };
const QR_PREFIX = 'linli-enrollment:';

// when shows an RFC 3339 stamp at +08:00 as "周六 11月28日 09:30".
function when(stamp, today) {
  return words.dayLabel(stamp.slice(0, 10), today) + ' ' + stamp.slice(11, 16);
}

// audience says who a course is for.
function audience(c) {
  return c.audience === 'children' ? c.min_age + '–' + c.max_age + '岁孩子' : '家长';
}

// decorate adds what a course card shows: its first session, who it is for, the seats, and
// whether one can enrol or join the waiting list.
function decorate(c, now, today) {
  const t = now === undefined ? Date.now() : now;
  const closed = c.closed || Date.parse(c.enroll_by) <= t;
  const full = c.enrolled >= c.capacity;
  let state = '报名';
  if (closed) state = '报名已截止';
  else if (full) state = '满员，加入候补';
  const first = c.sessions[0];
  return Object.assign({}, c, {
    audienceName: audience(c),
    firstTime: first ? when(first.starts_at, today) : '',
    place: first ? first.place : '',
    seats: '已报 ' + c.enrolled + '/' + c.capacity + (c.waitlisted ? '，候补 ' + c.waitlisted + ' 人' : ''),
    deadline: when(c.enroll_by, today) + ' 截止报名',
    open: !closed,
    full,
    state,
    sessionLines: c.sessions.map((s) => ({ index: s.index, text: '第' + s.index + '次 ' + when(s.starts_at, today) + '–' + s.ends_at.slice(11, 16) + ' ' + s.place })),
  });
}

// enrollment adds what a line of 我的报名 shows.
function enrollment(e) {
  let statusName = STATUSES[e.status] || e.status;
  if (e.status === 'waitlisted' && e.waitlist_position) {
    statusName = '候补第 ' + e.waitlist_position + ' 位';
  }
  return Object.assign({}, e, {
    statusName,
    attendedText: e.attended.length ? '已签到 ' + e.attended.length + ' 次' : '还没有签到',
    cancelText: e.status === 'waitlisted' ? '退出候补' : '取消报名',
    live: e.status !== 'cancelled',
  });
}

// enrollmentID reads the enrolment id from a scanned check-in code, 0 when it is not one.
function enrollmentID(scanned) {
  const s = String(scanned || '').trim();
  if (s.indexOf(QR_PREFIX) !== 0) return 0;
  const id = Number(s.slice(QR_PREFIX.length));
  return Number.isInteger(id) && id > 0 ? id : 0;
}

module.exports = { STATUSES, when, audience, decorate, enrollment, enrollmentID };
