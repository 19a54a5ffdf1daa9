from django.test import TestCase

from todo.models import Todo
from todo.views import PAGE_SIZE

HTMX = {"HTTP_HX_REQUEST": "true"}


def make(count: int) -> list[Todo]:
    return Todo.objects.bulk_create(Todo(title=f"Item {i}") for i in range(1, count + 1))


def row_ids(response) -> list[int]:
    return [todo.pk for todo in response.context["todos"]]


class CachingTests(TestCase):
    """The Back button must not show a list cached before HTMX changed it."""

    def test_html_responses_are_never_cached(self):
        todo = Todo.objects.create(title="x")
        for url in ["/", f"/todos/{todo.pk}/", f"/todos/{todo.pk}/edit/"]:
            with self.subTest(url=url):
                response = self.client.get(url, **HTMX)
                self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("no-store", self.client.get("/")["Cache-Control"])

    def test_list_varies_on_htmx_header(self):
        self.assertIn("HX-Request", self.client.get("/")["Vary"])


class PagingTests(TestCase):
    def test_newest_page_and_the_button_for_older_items(self):
        todos = make(PAGE_SIZE + 7)
        response = self.client.get("/")
        newest = [t.pk for t in reversed(todos)]
        self.assertEqual(row_ids(response), newest[:PAGE_SIZE])
        self.assertEqual(response.context["more"], {"before": newest[PAGE_SIZE - 1], "count": 7})
        self.assertContains(response, "Show older items (7 more)")
        self.assertContains(response, 'id="add-form"')

    def test_htmx_older_items_are_rows_only_with_focus_on_the_first(self):
        todos = make(PAGE_SIZE + 2)
        before = todos[2].pk
        response = self.client.get(f"/?before={before}", **HTMX)
        self.assertTemplateUsed(response, "todo/partials/older.html")
        self.assertEqual(row_ids(response), [todos[1].pk, todos[0].pk])
        self.assertIsNone(response.context["more"])
        self.assertNotContains(response, "<html")
        self.assertNotContains(response, 'id="more"')
        self.assertContains(response, "autofocus", count=1)

    def test_items_added_meanwhile_do_not_shift_older_items(self):
        todos = make(PAGE_SIZE + 1)
        more = self.client.get("/").context["more"]
        Todo.objects.create(title="added meanwhile")
        response = self.client.get(f"/?before={more['before']}", **HTMX)
        self.assertEqual(row_ids(response), [todos[0].pk])

    def test_plain_older_page_has_no_add_form_but_a_link_to_the_newest(self):
        todos = make(3)
        response = self.client.get(f"/?before={todos[2].pk}")
        self.assertEqual(row_ids(response), [todos[1].pk, todos[0].pk])
        self.assertNotContains(response, 'id="add-form"')
        self.assertContains(response, 'class="newer"')

    def test_bad_before_means_newest(self):
        make(2)
        for raw in ["x", "-3", "0", ""]:
            with self.subTest(raw=raw):
                self.assertEqual(len(row_ids(self.client.get(f"/?before={raw}"))), 2)


class RowViewTests(TestCase):
    def setUp(self):
        self.todo = Todo.objects.create(title="Keep me")

    def test_htmx_gets_the_row_with_focus(self):
        response = self.client.get(f"/todos/{self.todo.pk}/", **HTMX)
        self.assertTemplateUsed(response, "todo/partials/todo.html")
        self.assertContains(response, f'id="todo-{self.todo.pk}"')
        self.assertContains(response, "autofocus")

    def test_plain_get_goes_back_to_the_list(self):
        response = self.client.get(f"/todos/{self.todo.pk}/")
        self.assertRedirects(response, f"/#todo-{self.todo.pk}", fetch_redirect_response=False)

    def test_missing_item_is_404(self):
        self.assertEqual(self.client.get(f"/todos/{self.todo.pk + 1}/", **HTMX).status_code, 404)


class PlainPostTests(TestCase):
    """Without JavaScript: every action is a form post, answered with a page or a redirect."""

    def test_edit_page_shows_the_form_in_the_row(self):
        todo = Todo.objects.create(title="Plain")
        response = self.client.get(f"/todos/{todo.pk}/edit/")
        self.assertTemplateUsed(response, "todo/todos.html")
        self.assertContains(response, f'<li id="todo-{todo.pk}" class="todo editing">')
        self.assertContains(response, f'action="/todos/{todo.pk}/edit/"')

    def test_invalid_edit_shows_the_page_with_the_error(self):
        todo = Todo.objects.create(title="Plain")
        response = self.client.post(f"/todos/{todo.pk}/edit/", {"title": " "})
        self.assertEqual(response.status_code, 422)
        self.assertTemplateUsed(response, "todo/todos.html")
        self.assertContains(response, "Please enter a title.", status_code=422)

    def test_redirects_go_to_the_chunk_holding_an_older_item(self):
        todos = make(PAGE_SIZE + 5)
        old = todos[2]
        response = self.client.post(f"/todos/{old.pk}/done/")
        expected = f"/?before={old.pk + 1}#todo-{old.pk}"
        self.assertRedirects(response, expected, fetch_redirect_response=False)
        self.assertIn(old.pk, row_ids(self.client.get(expected.split("#")[0])))

    def test_row_actions_are_forms(self):
        todo = Todo.objects.create(title="Forms")
        response = self.client.get("/")
        self.assertContains(response, f'<form method="post" action="/todos/{todo.pk}/done/"')
        self.assertContains(response, f'<form method="post" action="/todos/{todo.pk}/delete/"')
        self.assertContains(response, f'href="/todos/{todo.pk}/edit/"')


class FocusTests(TestCase):
    """htmx focuses an element with autofocus once swapped in: the row after each action."""

    def test_rows_after_actions_take_focus(self):
        todo = Todo.objects.create(title="Focus")
        responses = [
            self.client.post(f"/todos/{todo.pk}/edit/", {"title": "Focus 2"}, **HTMX),
            self.client.put(f"/todos/{todo.pk}/done/", **HTMX),
            self.client.get(f"/todos/{todo.pk}/", **HTMX),
        ]
        for response in responses:
            self.assertContains(response, 'class="title"')
            self.assertContains(response, "autofocus", count=1)

    def test_list_rows_do_not(self):
        Todo.objects.create(title="No focus")
        self.assertNotContains(self.client.get("/"), "autofocus")
