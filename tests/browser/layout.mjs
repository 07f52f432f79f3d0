// Checks that a page looks tidy to a person at the current viewport:
// nothing wider than the screen, text large enough to read, controls
// large enough to touch on a phone, and no two pieces of content drawn
// over each other. Returns a list of problems, empty when tidy.

// Measured inside the page; everything here must be self-contained.
function measure({ minControlHeight, minTextPx, minBodyTextPx }) {
  const problems = [];
  const viewportWidth = document.documentElement.clientWidth;
  const describe = (element) => {
    const text = (element.innerText || element.value || element.name || '')
                     .trim().slice(0, 40);
    return `<${element.tagName.toLowerCase()}> "${text}"`;
  };
  const visible = (element) => {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' &&
           style.display !== 'none';
  };

  // The page must not scroll sideways.
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth > viewportWidth) {
    problems.push(`page is ${scrollWidth} px wide in a ${viewportWidth} px ` +
                  `viewport (horizontal scrolling)`);
  }

  const bodyPx = parseFloat(getComputedStyle(document.body).fontSize);
  if (bodyPx < minBodyTextPx) {
    problems.push(`body text is ${bodyPx} px; at least ${minBodyTextPx} px`);
  }

  // Every element that shows text or takes input.
  const content = [...document.querySelectorAll(
                      'h1, h2, h3, p, label, a, button, input, textarea')]
                      .filter(visible);
  for (const element of content) {
    const box = element.getBoundingClientRect();
    const px = parseFloat(getComputedStyle(element).fontSize);
    if (px < minTextPx) {
      problems.push(`${describe(element)} has ${px} px text; ` +
                    `at least ${minTextPx} px`);
    }
    if (box.left < -0.5 || box.right > viewportWidth + 0.5) {
      problems.push(`${describe(element)} sticks out of the viewport ` +
                    `(${Math.round(box.left)}..${Math.round(box.right)} px)`);
    }
    // A check box or radio button is smaller than a text field, but it
    // must still be easy to hit.
    const minHeight = element.matches('[type=checkbox], [type=radio]') ?
        minControlHeight * 0.6 :
        minControlHeight;
    if (element.matches('button, input, textarea') && box.height < minHeight) {
      problems.push(`${describe(element)} is ${Math.round(box.height)} px ` +
                    `tall; at least ${minHeight} px`);
    }
  }

  // No two unrelated boxes may overlap (a little slack for borders).
  const slack = 1;
  for (let i = 0; i < content.length; ++i) {
    const a = content[i];
    const boxA = a.getBoundingClientRect();
    for (let j = i + 1; j < content.length; ++j) {
      const b = content[j];
      if (a.contains(b) || b.contains(a)) continue;
      const boxB = b.getBoundingClientRect();
      const width = Math.min(boxA.right, boxB.right) -
                    Math.max(boxA.left, boxB.left);
      const height = Math.min(boxA.bottom, boxB.bottom) -
                     Math.max(boxA.top, boxB.top);
      if (width > slack && height > slack) {
        problems.push(`${describe(a)} and ${describe(b)} overlap`);
      }
    }
  }
  return problems;
}

// The limits for a phone (touch) and for a desktop.
export function layoutLimits(isPhone) {
  return {
    minControlHeight: isPhone ? 40 : 32,
    minTextPx: 14,
    minBodyTextPx: 16,
  };
}

export async function layoutProblems(page, limits) {
  return page.evaluate(measure, limits);
}
