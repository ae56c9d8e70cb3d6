from fastdj.db import models


class Widget(models.Model):
    name = models.CharField(max_length=10)


class Gadget(models.Model):
    widget = models.ForeignKey("Widget", models.CASCADE)
