from django.urls import path

from todo import views

urlpatterns = [
    path("", views.todo_list, name="todo_list"),
    path("todos/add/", views.todo_add, name="todo_add"),
    path("todos/<int:pk>/", views.todo_row, name="todo_row"),
    path("todos/<int:pk>/edit/", views.todo_edit, name="todo_edit"),
    path("todos/<int:pk>/done/", views.todo_done, name="todo_done"),
    path("todos/<int:pk>/delete/", views.todo_delete, name="todo_delete"),
]
