// Refusals explained, never silent. WeChat's photo, camera, location and phone-number APIs fail
// when the user said no: to the privacy agreement (utils/privacy.js), to a permission in the
// mini-program's settings, or to WeChat's own permission in the phone's settings. explain tells
// the user what did not happen and how to turn it on (with a button to the right settings where
// WeChat has one). Closing a picker is not a refusal and says nothing.

// What each kind of call does, and the permission it needs: scope as the mini-program's settings
// name it (wx.openSetting), system as the phone's settings do.
const KINDS = {
  photo: { what: '选择照片', scope: '相机', system: '相机和照片' },
  scan: { what: '打开扫码', scope: '相机', system: '相机' },
  location: { what: '获取您的位置', scope: '位置信息', system: '定位' },
  phone: { what: '获取微信手机号' },
  // A call that fails says which number to dial by hand rather than to try again.
  call: { what: '拨出电话', instead: true },
};

// reasonOf sorts a failure: privacy (the agreement refused), cancel (the user closed it), system
// (the phone's permission or location service off), setting (the mini-program's permission off,
// or the user said no in WeChat's dialog), other.
function reasonOf(err) {
  const msg = String((err && err.errMsg) || '');
  const errno = Number(err && err.errno);
  if (errno === 104 || /privacy/i.test(msg)) return 'privacy';
  if (/cancel/i.test(msg)) return 'cancel';
  if (/system permission|locationswitchoff|location service|ERROR_NOCELL/i.test(msg)) return 'system';
  if (errno === 103 || /auth den|deny|denied|authorize/i.test(msg)) return 'setting';
  return 'other';
}

// message is what explain shows for a failure of a call of that kind: {title, content, open}
// where open names the settings the button opens ('mp', 'app' or ''), or null to say nothing.
// more is a sentence added at the end (what the user can do instead).
function message(kind, err, more) {
  const k = KINDS[kind] || { what: '完成操作' };
  const tail = more || '';
  switch (reasonOf(err)) {
    case 'cancel':
      return null;
    case 'privacy':
      return {
        title: '您没有同意隐私政策',
        content: '所以没有' + k.what + '。需要时再操作一次，在弹出的隐私说明里点“同意”即可。' + tail,
        open: '',
      };
    case 'system': {
      const app = !!wx.openAppAuthorizeSetting;
      const where = app ? '点“去设置”' : '请在手机的“设置”里找到“微信”';
      return {
        title: '手机没有允许微信使用' + (k.system || '这项功能'),
        content: '所以没能' + k.what + '。' + where + '，打开' + (k.system || '相应') + '权限后再试' +
          (kind === 'location' ? '（并打开手机的定位服务）' : '') + '。' + tail,
        open: app ? 'app' : '',
      };
    }
    case 'setting':
      if (!k.scope) {
        return { title: '没有' + k.what, content: '您没有同意，所以没有' + k.what + '。' + tail, open: '' };
      }
      return {
        title: '需要' + k.scope + '权限',
        content: '邻里使用' + k.scope + '的权限没有打开，所以没能' + k.what + '。点“去设置”，打开“' + k.scope + '”即可。' + tail,
        open: 'mp',
      };
    default:
      return { title: '没能' + k.what, content: (k.instead ? '' : '请稍后再试。') + tail, open: '' };
  }
}

// explain shows message(kind, err, more), if any, with a button to the settings it names; it
// answers whether it showed something.
function explain(kind, err, more) {
  const m = message(kind, err, more);
  if (!m) return false;
  wx.showModal({
    title: m.title,
    content: m.content,
    showCancel: !!m.open,
    cancelText: '暂不',
    confirmText: m.open ? '去设置' : '知道了',
    success: (res) => {
      if (!res || !res.confirm || !m.open) return;
      if (m.open === 'app') {
        wx.openAppAuthorizeSetting({});
      } else {
        wx.openSetting({});
      }
    },
  });
  return true;
}

// call dials a number; if the phone does not, it says which number to dial by hand.
function call(number) {
  const phone = String(number);
  wx.makePhoneCall({
    phoneNumber: phone,
    fail: (err) => explain('call', err, '请直接用手机拨打 ' + phone + '。'),
  });
}

module.exports = { KINDS, reasonOf, message, explain, call };
