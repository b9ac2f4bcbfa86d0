// Words and numbers the canteen pages show.
const MEALS = { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' };
const MODES = { eat_in: '堂食', pickup: '自取', delivery: '送餐上门' };
const STATUSES = {
  booked: '已预订',
  cancelled: '已取消',
  served: '已取餐',
  delivered: '已送达',
  no_answer: '送餐无人应答',
  no_show: '未取餐',
};
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

// yuan shows integer fen as yuan with two decimals.
function yuan(fen) {
  const f = Math.max(0, Math.round(Number(fen) || 0));
  return (f / 100).toFixed(2) + '元';
}

// shanghaiDate is the Asia/Shanghai date of a time (default now), YYYY-MM-DD.
function shanghaiDate(t) {
  const ms = t === undefined ? Date.now() : t;
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// dayLabel names a date the way people say it: 今天, 明天, else 周X 11月27日.
function dayLabel(date, today) {
  const t = today || shanghaiDate();
  const d = new Date(date + 'T00:00:00Z');
  const diff = Math.round((d - new Date(t + 'T00:00:00Z')) / 86400000);
  const md = (d.getUTCMonth() + 1) + '月' + d.getUTCDate() + '日';
  if (diff === 0) return '今天 ' + md;
  if (diff === 1) return '明天 ' + md;
  return WEEKDAYS[d.getUTCDay()] + ' ' + md;
}

// clock shows the time of an RFC 3339 stamp at +08:00 as HH:MM, with the day when not today.
function clock(stamp, today) {
  const date = stamp.slice(0, 10);
  const hm = stamp.slice(11, 16);
  return date === (today || shanghaiDate()) ? hm : dayLabel(date, today).split(' ')[0] + ' ' + hm;
}

// What the pick-up code's QR code carries: the counter's 扫码核销 reads it.
const PICKUP_PREFIX = 'linli-pickup:';

// pickupQR is what an order's QR code carries.
function pickupQR(code) {
  return PICKUP_PREFIX + code;
}

// pickupCode reads the 6-digit code from what the counter scanned (the order's QR code, or a
// code printed plainly); '' when it is not one.
function pickupCode(scanned) {
  let s = String(scanned || '').trim();
  if (s.indexOf(PICKUP_PREFIX) === 0) s = s.slice(PICKUP_PREFIX.length);
  return /^\d{6}$/.test(s) ? s : '';
}

// payWay says how and where a meal is paid (nothing is paid in the app): at the canteen when
// eating in or picking up, to the rider on delivery. o has mode, pay_fen and canteen_name.
function payWay(o) {
  if (Number(o.pay_fen) <= 0) return '补贴全额，无需付款';
  const pay = yuan(o.pay_fen);
  if (o.mode === 'delivery') return '送餐时付款：送到时付给送餐员 ' + pay;
  return '到店付款：' + (o.mode === 'eat_in' ? '用餐' : '取餐') + '时在' + (o.canteen_name || '食堂') + '付 ' + pay;
}

module.exports = { MEALS, MODES, STATUSES, yuan, shanghaiDate, dayLabel, clock, pickupQR, pickupCode, payWay };
