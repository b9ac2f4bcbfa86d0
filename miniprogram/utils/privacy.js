// WeChat's privacy agreement (app.json "__usePrivacyCheck__"). Before a privacy API (photos,
// location, the phone number button) first runs, WeChat holds it and calls the listener set at
// launch with a resolve; the app shows its own agreement popup (components/privacy-popup, on
// every page) and answers agree or disagree through that resolve, which lets the API go on or
// makes it fail ("privacy permission is not authorized", explained by utils/denied.js where the
// API is called). At launch, wx.getPrivacySetting tells whether the user has yet to agree: the
// popup then shows once on its own, without any API waiting.
//
// One listener serves every page: the popups attach here, and the one of the page in front shows.

const AGREE_BUTTON = 'privacy-agree';

let pending = []; // resolves of the privacy APIs waiting for an answer
let asked = false; // the launch check found the agreement not yet given
let what = ''; // the API or component waiting (eventInfo.referrer), for the popup's words
let popups = []; // attached popups, the page in front last

function wanted() {
  return pending.length > 0 || asked;
}

// update shows the popup of the page in front when an answer is wanted, and hides the others.
function update() {
  const front = popups[popups.length - 1];
  popups.forEach((p) => p.toggle(p === front && wanted(), what));
}

// need is the listener given to wx.onNeedPrivacyAuthorization.
function need(resolve, info) {
  pending.push(resolve);
  what = (info && info.referrer) || what;
  update();
  if (popups.length) {
    // Tells WeChat the app's popup is showing.
    resolve({ event: 'exposureAuthorization' });
  }
}

// init runs at launch (app.js): the listener, and the first-use check.
function init() {
  if (wx.onNeedPrivacyAuthorization) {
    wx.onNeedPrivacyAuthorization(need);
  }
  if (wx.getPrivacySetting) {
    wx.getPrivacySetting({
      success: (res) => {
        if (res && res.needAuthorization) {
          asked = true;
          update();
        }
      },
    });
  }
}

function answer(reply) {
  const waiting = pending;
  pending = [];
  asked = false;
  what = '';
  update();
  waiting.forEach((resolve) => resolve(reply));
  return waiting.length;
}

// agree is called once the user tapped the agreement button (its bindagreeprivacyauthorization
// fired: WeChat checks the button was tapped): the waiting APIs go on.
function agree() {
  return answer({ buttonId: AGREE_BUTTON, event: 'agree' });
}

// disagree makes the waiting APIs fail; it answers how many there were (each explains its own
// failure where it was called).
function disagree() {
  return answer({ event: 'disagree' });
}

// attach, front and detach follow the popups of the pages: a popup attaches with its page and
// comes to the front each time its page shows.
function attach(popup) {
  popups = popups.filter((p) => p !== popup).concat([popup]);
  update();
}

function front(popup) {
  if (popups[popups.length - 1] !== popup && popups.indexOf(popup) >= 0) {
    attach(popup);
  }
}

function detach(popup) {
  popups = popups.filter((p) => p !== popup);
  update();
}

// reset forgets everything (tests).
function reset() {
  pending = [];
  asked = false;
  what = '';
  popups = [];
}

module.exports = { AGREE_BUTTON, init, need, agree, disagree, attach, front, detach, reset, wanted };
