// The print links of the reports pages open the browser's print dialogue (the pages are laid out for A4).
for (const link of document.querySelectorAll("[data-print]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  });
}
