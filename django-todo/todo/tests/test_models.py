from django.db import models
from django.test import TestCase

from todo.models import Todo


class TodoModelTests(TestCase):
    def test_defaults(self):
        todo = Todo.objects.create(title="Write tests")
        todo.refresh_from_db()
        self.assertEqual(todo.title, "Write tests")
        self.assertFalse(todo.is_done)

    def test_ids_are_big_auto_fields(self):
        self.assertIsInstance(Todo._meta.pk, models.BigAutoField)

    def test_title_limit_is_255(self):
        self.assertEqual(Todo._meta.get_field("title").max_length, 255)

    def test_str_is_title(self):
        self.assertEqual(str(Todo(title="Milk")), "Milk")

    def test_ordered_by_creation(self):
        first = Todo.objects.create(title="first")
        second = Todo.objects.create(title="second")
        self.assertEqual(list(Todo.objects.all()), [first, second])

    def test_database_is_postgresql(self):
        from django.db import connection

        self.assertEqual(connection.vendor, "postgresql")
