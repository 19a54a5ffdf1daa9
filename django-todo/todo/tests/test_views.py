from django.test import TestCase
from django.urls import reverse

from todo.forms import TITLE_REQUIRED
from todo.models import Todo

HTMX = {"HTTP_HX_REQUEST": "true"}


class ListViewTests(TestCase):
    def test_lists_newest_first(self):
        Todo.objects.create(title="first")
        Todo.objects.create(title="second", is_done=True)
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "todo/todos.html")
        content = response.content.decode()
        self.assertLess(content.index("second"), content.index("first"))
        self.assertContains(response, 'class="todo done"', count=1)

    def test_page_wiring(self):
        response = self.client.get("/")
        # New rows go to the top of the list, inside it.
        self.assertContains(response, 'hx-target="#todos" hx-swap="afterbegin"')
        self.assertContains(response, '<ul id="todos"')
        # CSRF header on every HTMX request, htmx served locally (no CDN).
        self.assertContains(response, 'hx-headers=\'{"X-CSRFToken": "')
        self.assertContains(response, 'src="/static/todo/htmx.min.js"')
        self.assertNotContains(response, "unpkg.com")
        self.assertNotContains(response, "cdn.")
        self.assertIn("csrftoken", response.cookies)

    def test_empty_list(self):
        response = self.client.get("/")
        self.assertContains(response, "Nothing to do yet.")

    def test_head_allowed(self):
        self.assertEqual(self.client.head("/").status_code, 200)

    def test_post_not_allowed(self):
        response = self.client.post("/")
        self.assertEqual(response.status_code, 405)


class AddViewTests(TestCase):
    url = reverse("todo_add")

    def test_url(self):
        self.assertEqual(self.url, "/todos/add/")

    def test_htmx_add_returns_row_and_fresh_form(self):
        response = self.client.post(self.url, {"title": "  Buy milk "}, **HTMX)
        self.assertEqual(response.status_code, 200)
        todo = Todo.objects.get()
        self.assertEqual(todo.title, "Buy milk")
        self.assertFalse(todo.is_done)
        self.assertTemplateUsed(response, "todo/partials/todo.html")
        self.assertContains(response, f'<li id="todo-{todo.pk}" class="todo">')
        self.assertContains(response, 'id="add-form"')
        self.assertContains(response, 'hx-swap-oob="true"')
        self.assertNotContains(response, "<html")

    def test_plain_post_redirects_to_the_new_row(self):
        response = self.client.post(self.url, {"title": "No JS"})
        todo = Todo.objects.get(title="No JS")
        self.assertRedirects(response, f"/#todo-{todo.pk}", fetch_redirect_response=False)

    def test_htmx_empty_title_returns_form_with_error(self):
        for title in ["", "    "]:
            with self.subTest(title=title):
                response = self.client.post(self.url, {"title": title}, **HTMX)
                self.assertEqual(response.status_code, 422)
                self.assertTemplateUsed(response, "todo/partials/add_form.html")
                self.assertContains(response, TITLE_REQUIRED, status_code=422)
                self.assertContains(response, 'aria-invalid="true"', status_code=422)
                self.assertEqual(response["HX-Retarget"], "#add-form")
                self.assertEqual(response["HX-Reswap"], "outerHTML")
        self.assertFalse(Todo.objects.exists())

    def test_htmx_too_long_title_rejected(self):
        response = self.client.post(self.url, {"title": "x" * 256}, **HTMX)
        self.assertContains(response, "at most 255 characters", status_code=422)
        self.assertFalse(Todo.objects.exists())

    def test_plain_post_invalid_renders_page_with_error(self):
        Todo.objects.create(title="existing")
        response = self.client.post(self.url, {"title": ""})
        self.assertEqual(response.status_code, 422)
        self.assertTemplateUsed(response, "todo/todos.html")
        self.assertContains(response, TITLE_REQUIRED, status_code=422)
        self.assertContains(response, "existing", status_code=422)

    def test_other_methods_not_allowed(self):
        for method in ["get", "put", "delete", "patch"]:
            with self.subTest(method=method):
                response = getattr(self.client, method)(self.url)
                self.assertEqual(response.status_code, 405)
                self.assertEqual(response["Allow"], "POST")


class EditViewTests(TestCase):
    def setUp(self):
        self.todo = Todo.objects.create(title="Old title")
        self.url = reverse("todo_edit", args=[self.todo.pk])

    def test_url(self):
        self.assertEqual(self.url, f"/todos/{self.todo.pk}/edit/")

    def test_get_returns_inline_form(self):
        response = self.client.get(self.url, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "todo/partials/edit.html")
        self.assertContains(response, f'<li id="todo-{self.todo.pk}" class="todo editing">')
        self.assertContains(response, 'value="Old title"')
        self.assertContains(response, f'hx-post="{self.url}"')
        self.assertNotContains(response, "<html")

    def test_post_saves_and_returns_row(self):
        response = self.client.post(self.url, {"title": "New title"}, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "todo/partials/todo.html")
        self.assertContains(response, "New title")
        self.todo.refresh_from_db()
        self.assertEqual(self.todo.title, "New title")

    def test_post_keeps_done_state(self):
        self.todo.is_done = True
        self.todo.save()
        self.client.post(self.url, {"title": "Renamed"}, **HTMX)
        self.todo.refresh_from_db()
        self.assertTrue(self.todo.is_done)

    def test_plain_post_redirects_to_the_row(self):
        response = self.client.post(self.url, {"title": "New title"})
        self.assertRedirects(response, f"/#todo-{self.todo.pk}", fetch_redirect_response=False)

    def test_invalid_post_returns_form_with_error(self):
        for title in ["", "  ", "y" * 300]:
            with self.subTest(title=title[:10]):
                response = self.client.post(self.url, {"title": title}, **HTMX)
                self.assertEqual(response.status_code, 422)
                self.assertTemplateUsed(response, "todo/partials/edit.html")
                self.assertContains(response, 'class="error"', status_code=422)
                self.assertEqual(response["HX-Retarget"], f"#todo-{self.todo.pk}")
                self.assertEqual(response["HX-Reswap"], "outerHTML")
        self.todo.refresh_from_db()
        self.assertEqual(self.todo.title, "Old title")

    def test_missing_item_is_404(self):
        missing = reverse("todo_edit", args=[self.todo.pk + 1000])
        self.assertEqual(self.client.get(missing).status_code, 404)
        self.assertEqual(self.client.post(missing, {"title": "x"}).status_code, 404)

    def test_other_methods_not_allowed(self):
        for method in ["put", "delete", "patch"]:
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.url).status_code, 405)


class DoneViewTests(TestCase):
    def setUp(self):
        self.todo = Todo.objects.create(title="Chore")
        self.url = reverse("todo_done", args=[self.todo.pk])

    def test_url(self):
        self.assertEqual(self.url, f"/todos/{self.todo.pk}/done/")

    def test_put_marks_done(self):
        response = self.client.put(self.url, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "todo/partials/todo.html")
        self.assertContains(response, 'class="todo done"')
        self.assertNotContains(response, "mark-done")
        self.todo.refresh_from_db()
        self.assertTrue(self.todo.is_done)

    def test_post_marks_done(self):
        response = self.client.post(self.url, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.todo.refresh_from_db()
        self.assertTrue(self.todo.is_done)

    def test_idempotent(self):
        self.client.put(self.url, **HTMX)
        response = self.client.put(self.url, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(Todo.objects.get(pk=self.todo.pk).is_done)

    def test_plain_post_redirects_to_the_row(self):
        response = self.client.post(self.url)
        self.assertRedirects(response, f"/#todo-{self.todo.pk}", fetch_redirect_response=False)

    def test_missing_item_is_404(self):
        missing = reverse("todo_done", args=[self.todo.pk + 1000])
        self.assertEqual(self.client.put(missing).status_code, 404)

    def test_other_methods_not_allowed(self):
        for method in ["get", "delete", "patch"]:
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.url).status_code, 405)
        self.todo.refresh_from_db()
        self.assertFalse(self.todo.is_done)


class DeleteViewTests(TestCase):
    def setUp(self):
        self.todo = Todo.objects.create(title="Gone soon")
        self.url = reverse("todo_delete", args=[self.todo.pk])

    def test_url(self):
        self.assertEqual(self.url, f"/todos/{self.todo.pk}/delete/")

    def test_delete_returns_empty_200(self):
        response = self.client.delete(self.url, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"")
        self.assertFalse(Todo.objects.exists())

    def test_missing_item_is_404(self):
        self.client.delete(self.url)
        self.assertEqual(self.client.delete(self.url).status_code, 404)

    def test_plain_post_deletes_and_redirects(self):
        self.assertRedirects(self.client.post(self.url), "/")
        self.assertFalse(Todo.objects.exists())

    def test_other_methods_not_allowed(self):
        for method in ["get", "put", "patch"]:
            with self.subTest(method=method):
                response = getattr(self.client, method)(self.url)
                self.assertEqual(response.status_code, 405)
                self.assertEqual(response["Allow"], "DELETE, POST")
        self.assertTrue(Todo.objects.exists())


class CsrfTests(TestCase):
    def setUp(self):
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True)

    def test_mutations_without_token_are_rejected(self):
        todo = Todo.objects.create(title="protected")
        self.assertEqual(self.client.post("/todos/add/", {"title": "x"}, **HTMX).status_code, 403)
        self.assertEqual(self.client.delete(f"/todos/{todo.pk}/delete/", **HTMX).status_code, 403)
        self.assertEqual(self.client.put(f"/todos/{todo.pk}/done/", **HTMX).status_code, 403)

    def test_header_token_from_page_is_accepted(self):
        todo = Todo.objects.create(title="protected")
        self.client.get("/")
        token = self.client.cookies["csrftoken"].value
        response = self.client.put(f"/todos/{todo.pk}/done/", HTTP_X_CSRFTOKEN=token, **HTMX)
        self.assertEqual(response.status_code, 200)
        response = self.client.delete(f"/todos/{todo.pk}/delete/", HTTP_X_CSRFTOKEN=token, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Todo.objects.exists())


class HostValidationTests(TestCase):
    def test_unknown_host_rejected_for_app_pages(self):
        with self.settings(ALLOWED_HOSTS=["todo.example.com"]):
            self.assertEqual(self.client.get("/", HTTP_HOST="10.1.2.3").status_code, 400)
            self.assertEqual(self.client.get("/", HTTP_HOST="todo.example.com").status_code, 200)
