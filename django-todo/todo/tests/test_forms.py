from django.test import SimpleTestCase

from todo.forms import TITLE_REQUIRED, TodoForm


class TodoFormTests(SimpleTestCase):
    def test_valid_title(self):
        form = TodoForm({"title": "Buy milk"})
        self.assertTrue(form.is_valid())
        self.assertEqual(form.cleaned_data["title"], "Buy milk")

    def test_surrounding_whitespace_is_stripped(self):
        form = TodoForm({"title": "  Buy milk \n"})
        self.assertTrue(form.is_valid())
        self.assertEqual(form.cleaned_data["title"], "Buy milk")

    def test_empty_title_rejected(self):
        form = TodoForm({"title": ""})
        self.assertFalse(form.is_valid())
        self.assertEqual(form.errors["title"], [TITLE_REQUIRED])

    def test_missing_title_rejected(self):
        self.assertFalse(TodoForm({}).is_valid())

    def test_whitespace_only_title_rejected(self):
        form = TodoForm({"title": " \t  "})
        self.assertFalse(form.is_valid())
        self.assertEqual(form.errors["title"], [TITLE_REQUIRED])

    def test_255_characters_accepted(self):
        self.assertTrue(TodoForm({"title": "x" * 255}).is_valid())

    def test_256_characters_rejected(self):
        form = TodoForm({"title": "x" * 256})
        self.assertFalse(form.is_valid())
        self.assertEqual(
            form.errors["title"],
            ["Titles can be at most 255 characters (this one has 256)."],
        )

    def test_no_html_required_attribute(self):
        # Empty submits must reach the server so its message is shown.
        self.assertFalse(TodoForm.use_required_attribute)
