resource "aws_appmesh_virtual_node" "backend" {
  for_each  = var.backends
  name      = "${each.key}-v1"
  mesh_name = aws_appmesh_mesh.shop.id

  spec {
    listener {
      port_mapping {
        port     = each.value.port
        protocol = "http"
      }

      health_check {
        protocol            = "http"
        path                = "/health"
        healthy_threshold   = 2
        unhealthy_threshold = 3
        timeout_millis      = 2000
        interval_millis     = 5000
      }

      outlier_detection {
        max_server_errors    = 5
        max_ejection_percent = 50
        interval {
          unit  = "s"
          value = 10
        }
        base_ejection_duration {
          unit  = "s"
          value = 30
        }
      }

      tls {
        mode = "STRICT"
        certificate {
          acm {
            certificate_arn = "arn:aws:acm:us-west-2:111122223333:certificate/${each.key}"
          }
        }
      }
    }

    service_discovery {
      aws_cloud_map {
        namespace_name = var.namespace_name
        service_name   = each.key
        attributes = {
          version = "v1"
        }
      }
    }

    backend_defaults {
      client_policy {
        tls {
          enforce = true
          ports   = [443]
          validation {
            trust {
              acm {
                certificate_authority_arns = [local.acm_ca_arn]
              }
            }
          }
        }
      }
    }

    logging {
      access_log {
        file {
          path = "/dev/stdout"
        }
      }
    }
  }
}

resource "aws_appmesh_virtual_node" "frontend" {
  name      = "frontend"
  mesh_name = aws_appmesh_mesh.shop.name

  spec {
    listener {
      port_mapping {
        port     = 80
        protocol = "http"
      }
    }

    dynamic "backend" {
      for_each = aws_appmesh_virtual_service.backend
      content {
        virtual_service {
          virtual_service_name = backend.value.name
        }
      }
    }

    service_discovery {
      dns {
        hostname = "frontend.${var.namespace_name}"
      }
    }
  }
}
