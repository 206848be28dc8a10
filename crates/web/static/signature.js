// The signature pad of the stop page: draws with a finger, a stylus or the mouse (pointer
// events), and puts the drawing in the form as a PNG data URL when it is submitted. An untouched
// pad sends nothing, so the server can say a signature is missing.
(function () {
  const canvas = document.getElementById('signature-pad');
  const field = document.getElementById('signature');
  const form = document.getElementById('complete');
  if (!canvas || !field || !form) return;
  const context = canvas.getContext('2d');
  context.lineWidth = 2.5;
  context.lineCap = 'round';
  context.strokeStyle = '#111';
  let drawing = false;
  let drawn = false;
  const at = (event) => {
    const box = canvas.getBoundingClientRect();
    return [
      (event.clientX - box.left) * (canvas.width / box.width),
      (event.clientY - box.top) * (canvas.height / box.height),
    ];
  };
  canvas.addEventListener('pointerdown', (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...at(event));
    event.preventDefault();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    context.lineTo(...at(event));
    context.stroke();
    drawn = true;
    event.preventDefault();
  });
  const stop = () => { drawing = false; };
  canvas.addEventListener('pointerup', stop);
  canvas.addEventListener('pointercancel', stop);
  document.getElementById('signature-clear').addEventListener('click', () => {
    context.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    field.value = '';
  });
  form.addEventListener('submit', () => {
    field.value = drawn ? canvas.toDataURL('image/png') : '';
  });
})();
