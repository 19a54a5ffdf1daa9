"""Views. HTMX requests get the HTML fragment to swap in; plain requests a full page.

Every action works as a plain form post when JavaScript is off: the view answers with a
redirect back to the list (scrolled to the item) or with the page showing the form and its error.

The list shows the newest items first, PAGE_SIZE at a time, so a new item appears right under the
add form however long the list is. Older items are fetched by id (``?before=<id>``), not by page
number, so items added or deleted meanwhile never make a row appear twice or go missing.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.decorators.vary import vary_on_headers

from todo.forms import TodoForm
from todo.models import Todo

# Status for a rejected form. The page's htmx-config swaps 422 responses.
INVALID_STATUS = 422
PAGE_SIZE = 50


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def parse_before(raw: str | None) -> int | None:
    """``?before=<id>``: a positive id, anything else means the newest items."""
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else None


def chunk(before: int | None) -> dict:
    """Up to PAGE_SIZE items older than ``before`` (newest first), and what is left after them."""
    items = Todo.objects.order_by("-id")
    if before is not None:
        items = items.filter(pk__lt=before)
    todos = list(items[: PAGE_SIZE + 1])
    more = None
    if len(todos) > PAGE_SIZE:
        todos = todos[:PAGE_SIZE]
        last = todos[-1].pk
        more = {"before": last, "count": Todo.objects.filter(pk__lt=last).count()}
    return {"todos": todos, "more": more, "newest": before is None}


def before_showing(todo: Todo) -> int | None:
    """The ``before`` of a list chunk that shows ``todo``: None while it is among the newest."""
    return todo.pk + 1 if Todo.objects.filter(pk__gt=todo.pk).count() >= PAGE_SIZE else None


def list_url(before: int | None) -> str:
    return reverse("todo_list") + (f"?before={before}" if before else "")


def place_of(todo: Todo) -> str:
    """The list URL that shows ``todo``, scrolled to it (for plain-post redirects)."""
    return f"{list_url(before_showing(todo))}#todo-{todo.pk}"


def _retarget(response, target: str):
    """Make HTMX put the error fragment where the form is, whatever hx-target said."""
    response["HX-Retarget"] = target
    response["HX-Reswap"] = "outerHTML"
    return response


def _list_page(request, before=None, *, form=None, editing=None, edit_form=None, status=200):
    context = {
        **chunk(before),
        "form": form or TodoForm(),
        "editing": editing,
        "edit_form": edit_form,
    }
    return render(request, "todo/todos.html", context, status=status)


def _edit_page(request, todo, form, status=200):
    """The list with ``todo``'s row replaced by its edit form (the no-JavaScript edit)."""
    return _list_page(request, before_showing(todo), editing=todo.pk, edit_form=form, status=status)


def _row(request, todo: Todo):
    """The item's row after an action; focus goes to its title (htmx honours autofocus)."""
    return render(request, "todo/partials/todo.html", {"todo": todo, "focus": True})


def _shown(request, todo: Todo):
    """The item after an action: its row for htmx, else the list page where it stands."""
    if not is_htmx(request):
        return redirect(place_of(todo))
    return _row(request, todo)


@never_cache
@vary_on_headers("HX-Request")
@require_safe
def todo_list(request):
    before = parse_before(request.GET.get("before"))
    if is_htmx(request):
        # "Show older items": the next rows, focus on the first, and the next button if any.
        return render(request, "todo/partials/older.html", chunk(before))
    return _list_page(request, before)


@never_cache
@require_POST
def todo_add(request):
    form = TodoForm(request.POST)
    if not form.is_valid():
        if is_htmx(request):
            response = render(
                request, "todo/partials/add_form.html", {"form": form}, status=INVALID_STATUS
            )
            return _retarget(response, "#add-form")
        return _list_page(request, form=form, status=INVALID_STATUS)
    todo = form.save()
    if not is_htmx(request):
        return redirect(place_of(todo))
    # The new row goes to the top of #todos; a fresh, empty add form replaces the old one out of
    # band (clears the input and any earlier error).
    return render(request, "todo/partials/added.html", {"todo": todo, "form": TodoForm()})


@never_cache
@require_safe
def todo_row(request, pk):
    """The row as displayed: what Cancel (or Escape) puts back in place of the edit form."""
    todo = get_object_or_404(Todo, pk=pk)
    return _shown(request, todo)


@never_cache
@require_http_methods(["GET", "POST"])
def todo_edit(request, pk):
    todo = get_object_or_404(Todo, pk=pk)
    if request.method == "GET":
        form = TodoForm(instance=todo)
        if is_htmx(request):
            return render(request, "todo/partials/edit.html", {"todo": todo, "form": form})
        return _edit_page(request, todo, form)
    form = TodoForm(request.POST, instance=todo)
    if not form.is_valid():
        if not is_htmx(request):
            return _edit_page(request, todo, form, status=INVALID_STATUS)
        response = render(
            request,
            "todo/partials/edit.html",
            {"todo": todo, "form": form},
            status=INVALID_STATUS,
        )
        return _retarget(response, f"#todo-{todo.pk}")
    todo = form.save()
    return _shown(request, todo)


@never_cache
@require_http_methods(["PUT", "POST"])
def todo_done(request, pk):
    todo = get_object_or_404(Todo, pk=pk)
    if not todo.is_done:
        todo.is_done = True
        todo.save(update_fields=["is_done"])
    return _shown(request, todo)


@never_cache
@require_http_methods(["DELETE", "POST"])
def todo_delete(request, pk):
    todo = get_object_or_404(Todo, pk=pk)
    before = before_showing(todo)
    todo.delete()
    if not is_htmx(request):
        return redirect(list_url(before))
    # Empty 200: HTMX swaps the row (outerHTML) with nothing, removing it.
    return HttpResponse("")
