"""HTMX views. Each mutating view returns the HTML fragment HTMX swaps in.

Requests without the ``HX-Request`` header (plain form posts, JavaScript off)
get a redirect back to the list instead, so the page still works without JS.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from todo.forms import TodoForm
from todo.models import Todo

# Status for a rejected form. The page's htmx-config swaps 422 responses.
INVALID_STATUS = 422


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _retarget(response, target: str):
    """Make HTMX put the error fragment where the form is, whatever hx-target said."""
    response["HX-Retarget"] = target
    response["HX-Reswap"] = "outerHTML"
    return response


@require_safe
def todo_list(request):
    return render(
        request,
        "todo/todos.html",
        {"todos": Todo.objects.all(), "form": TodoForm()},
    )


@require_POST
def todo_add(request):
    form = TodoForm(request.POST)
    if not form.is_valid():
        if is_htmx(request):
            response = render(
                request, "todo/partials/add_form.html", {"form": form}, status=INVALID_STATUS
            )
            return _retarget(response, "#add-form")
        return render(
            request,
            "todo/todos.html",
            {"todos": Todo.objects.all(), "form": form},
            status=INVALID_STATUS,
        )
    todo = form.save()
    if not is_htmx(request):
        return redirect("todo_list")
    # The new row goes into #todos; a fresh, empty add form replaces the old
    # one out of band (clears the input and any earlier error).
    return render(request, "todo/partials/added.html", {"todo": todo, "form": TodoForm()})


@require_http_methods(["GET", "POST"])
def todo_edit(request, pk):
    todo = get_object_or_404(Todo, pk=pk)
    if request.method == "GET":
        return render(
            request, "todo/partials/edit.html", {"todo": todo, "form": TodoForm(instance=todo)}
        )
    form = TodoForm(request.POST, instance=todo)
    if not form.is_valid():
        response = render(
            request,
            "todo/partials/edit.html",
            {"todo": todo, "form": form},
            status=INVALID_STATUS,
        )
        return _retarget(response, f"#todo-{todo.pk}")
    todo = form.save()
    if not is_htmx(request):
        return redirect("todo_list")
    return render(request, "todo/partials/todo.html", {"todo": todo})


@require_http_methods(["PUT", "POST"])
def todo_done(request, pk):
    todo = get_object_or_404(Todo, pk=pk)
    if not todo.is_done:
        todo.is_done = True
        todo.save(update_fields=["is_done"])
    if not is_htmx(request):
        return redirect("todo_list")
    return render(request, "todo/partials/todo.html", {"todo": todo})


@require_http_methods(["DELETE"])
def todo_delete(request, pk):
    todo = get_object_or_404(Todo, pk=pk)
    todo.delete()
    # Empty 200: HTMX swaps the row (outerHTML) with nothing, removing it.
    return HttpResponse("")
