// The pipeline board: drag a card onto another column to move it there. The drop picks, in the
// card's own form, the move that leads to that column and sends the form, as its button does; a
// column no move leads to takes nothing. Without this script the form alone does the same.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const board = document.querySelector("[data-board]");
  if (!board) {
    return;
  }
  let dragged = null;
  board.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("[data-card]");
    if (dragged) {
      event.dataTransfer.setData("text/plain", dragged.dataset.card);
      event.dataTransfer.effectAllowed = "move";
    }
  });
  board.addEventListener("dragend", () => {
    dragged = null;
  });
  const moveTo = (column) => {
    if (!dragged || !column) {
      return null;
    }
    const form = dragged.querySelector("form[data-move]");
    if (!form) {
      return null;
    }
    return Array.from(form.elements.event.options).find((option) => option.dataset.to === column.dataset.stage) || null;
  };
  board.addEventListener("dragover", (event) => {
    if (moveTo(event.target.closest("[data-stage]"))) {
      event.preventDefault();
    }
  });
  board.addEventListener("drop", (event) => {
    const option = moveTo(event.target.closest("[data-stage]"));
    if (!option) {
      return;
    }
    event.preventDefault();
    const form = dragged.querySelector("form[data-move]");
    form.elements.event.value = option.value;
    form.requestSubmit();
  });
});
