// The hand-out page's camera scanner (groupbuys/leader/handout.html): a progressive enhancement.
// Without JavaScript, or without a camera, the page is a form to type or wedge-scan a code.
//
// A read is put into the code field as it is (the digits, or the hand-out address a pickup
// code's QR holds; the server reads the code out of either, and refuses another group buy's)
// and the form is sent, as "Hand out in full" does. The hidden "scan" field tells the server
// the camera was on; it sends back data-resume, and the camera starts again by itself for the
// next person in the queue. Translated messages come from the section's data- attributes.
(function () {
  "use strict";

  var section = document.getElementById("scanner");
  var form = document.getElementById("gate");
  if (!section || !form) return;
  var field = document.getElementById("code");
  var scanField = document.getElementById("scan");
  var video = document.getElementById("scan-video");
  var startButton = document.getElementById("scan-start");
  var stopButton = document.getElementById("scan-stop");
  var message = document.getElementById("scan-message");

  // No camera API (an old browser, or a page not served over HTTPS or from localhost): the
  // section stays hidden and the page is as it was.
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  section.hidden = false;

  var FRAME_MS = 150; // between two reads of the video
  var MAX_SIDE = 640; // jsQR reads a frame scaled down to this, which is plenty for a QR
  // A code still in front of the camera is read again and again: it is sent once, and again
  // only after it has been out of sight for this long (the member moved on, or came back).
  var HOLD_MS = 3000;
  var MEMORY = "linli-scan-last"; // sessionStorage: the last code sent, across the reload

  var stream = null;
  var timer = null;

  function show(text) {
    message.textContent = text || "";
  }

  function setState(state) {
    section.dataset.state = state;
    var on = state === "starting" || state === "scanning";
    startButton.hidden = on;
    stopButton.hidden = !on;
    video.hidden = state !== "scanning";
  }

  function remembered() {
    try {
      return JSON.parse(sessionStorage.getItem(MEMORY)) || {};
    } catch (error) {
      return {};
    }
  }

  function remember(text, at) {
    try {
      sessionStorage.setItem(MEMORY, JSON.stringify({ text: text, at: at }));
    } catch (error) {
      // Private browsing may refuse storage; a held code is then sent twice, and refused.
    }
  }

  // A decoder: the browser's own BarcodeDetector where it reads QR codes (Chrome on Android
  // for one), else jsQR (vendor/jsQR.js, loaded before this file) on a frame drawn to a canvas.
  async function makeDecoder() {
    if ("BarcodeDetector" in window) {
      try {
        var formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.indexOf("qr_code") !== -1) {
          var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return {
            name: "barcode-detector",
            read: async function () {
              var found = await detector.detect(video);
              return found.length ? found[0].rawValue : null;
            },
          };
        }
      } catch (error) {
        // Present but unusable: fall back to jsQR.
      }
    }
    if (typeof window.jsQR !== "function") return null;
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return {
      name: "jsqr",
      read: async function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
        var width = Math.round(video.videoWidth * scale);
        var height = Math.round(video.videoHeight * scale);
        canvas.width = width;
        canvas.height = height;
        context.drawImage(video, 0, 0, width, height);
        var image = context.getImageData(0, 0, width, height);
        var found = window.jsQR(image.data, width, height, { inversionAttempts: "dontInvert" });
        return found ? found.data : null;
      },
    };
  }

  // ``resumed``: started by itself after a code was sent, rather than by the button.
  async function start(resumed) {
    show("");
    var decoder = await makeDecoder();
    if (!decoder) {
      show(section.dataset.unsupported);
      return setState("error");
    }
    section.dataset.decoder = decoder.name;
    setState("starting");
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" }, // the rear camera, where there is one
        audio: false,
      });
    } catch (error) {
      stream = null;
      var refused = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
      show(refused ? section.dataset.denied : section.dataset.absent);
      return setState("error");
    }
    if (section.dataset.state !== "starting") return release(); // stopped meanwhile
    video.srcObject = stream;
    await video.play().catch(function () {});
    scanField.value = "1";
    setState("scanning");
    // Back after a code was sent: that code is taken as still in view, so that it is not sent
    // again while the member still holds it up. Started by hand: anything may be sent.
    var last = remembered();
    if (resumed && last.text) remember(last.text, Date.now());
    else if (!resumed) remember("", 0);
    show(section.dataset.hint);
    tick(decoder);
  }

  function tick(decoder) {
    timer = setTimeout(async function () {
      if (!stream) return;
      var text = null;
      if (video.readyState >= 2 && video.videoWidth) {
        try {
          text = await decoder.read();
        } catch (error) {
          text = null; // a frame that could not be read; try the next
        }
      }
      if (!stream) return;
      if (text && text.trim()) {
        var now = Date.now();
        var last = remembered();
        if (last.text === text && now - last.at < HOLD_MS) {
          remember(text, now); // still held up: not sent again
        } else {
          remember(text, now);
          return send(text);
        }
      }
      tick(decoder);
    }, FRAME_MS);
  }

  function send(text) {
    field.value = text;
    scanField.value = "1";
    // The camera is let go when the page goes (pagehide), after the form has been sent.
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  // Let go of the camera: its light goes off and another app may use it.
  function release() {
    clearTimeout(timer);
    timer = null;
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
    }
    stream = null;
    video.srcObject = null;
    setState("idle");
  }

  startButton.addEventListener("click", function () {
    start(false);
  });
  stopButton.addEventListener("click", function () {
    release();
    show("");
    scanField.value = ""; // typed codes after this do not start the camera again
  });
  window.addEventListener("pagehide", release);

  // "scan" says the camera is on when the form is sent; it is on only once it is scanning.
  scanField.value = "";
  if (section.dataset.resume === "1") start(true);
})();
